#!/usr/bin/env bash
# longdoc quickstart: build the plugin, start Elasticsearch 9.2.0 with it on 127.0.0.1:9200, ingest the sample
# long documents through the `long_doc` pipeline and ask a question. Needs only this repository (and Maven Central).
#
#   bash integration-tests/quickstart/quickstart.sh            # build, start, ingest, ask
#   bash integration-tests/quickstart/quickstart.sh stop       # stop the node
#   QUESTION="..." bash integration-tests/quickstart/quickstart.sh ask
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO="$PWD"
source .ci/java-home.sh

ES_VERSION=$(sed -n 's:.*<elasticsearch.version>\(.*\)</elasticsearch.version>.*:\1:p' pom.xml)
WORK="$REPO/target/quickstart"
ES_HOME="$WORK/elasticsearch-$ES_VERSION"
PORT="${LONGDOC_PORT:-9200}"
URL="http://127.0.0.1:$PORT"
ES_USER=longdoc-es
PIPELINE=longdoc-quickstart
INDEX=longdoc-quickstart
QUESTION="${QUESTION:-How did the nation pay for the war and what happened to the currency?}"

es() { # method path [json-body]
  if [ $# -ge 3 ]; then
    curl -sS -X "$1" "$URL$2" -H 'Content-Type: application/json' --data-binary "$3"
  else
    curl -sS -X "$1" "$URL$2"
  fi
}

stop_node() {
  local pid
  pid=$(cat "$WORK/es.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    echo "stopped Elasticsearch (pid $pid)"
  else
    echo "no quickstart node is running"
  fi
  rm -f "$WORK/es.pid"
}

ask() {
  echo
  echo "Question: $QUESTION"
  # long_doc_qa: the node encodes the question, finds candidates (kNN + BM25), reranks them by reading their
  # sections, and returns each hit with its answer span.
  local body
  body=$(python3 -c 'import json,sys; print(json.dumps({"size": 3, "_source": ["title", "longdoc.tokens", "longdoc.truncated"],
    "query": {"long_doc_qa": {"question": sys.argv[1], "field": "text", "candidates": 20}}}))' "$QUESTION")
  es POST "/$INDEX/_search" "$body" | python3 -c '
import json, sys
r = json.load(sys.stdin)
if "error" in r:
    sys.exit("search failed: %s" % json.dumps(r["error"])[:500])
print("Top hits (%d ms):" % r["took"])
for rank, hit in enumerate(r["hits"]["hits"], 1):
    s = hit["_source"]
    print("  %d. %.4f  %s  (%d tokens, truncated=%s)" % (rank, hit["_score"], s["title"], s["longdoc"]["tokens"], s["longdoc"]["truncated"]))
    for a in hit.get("fields", {}).get("_longdoc_answers", []):
        print("       answer [%d, %d): %s" % (a["start"], a["end"], " ".join(a["text"].split())))
'
}

case "${1:-start}" in
  stop) stop_node; exit 0 ;;
  ask) ask; exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|ask]" >&2; exit 2 ;;
esac

if [ -f "$WORK/es.pid" ] && kill -0 "$(cat "$WORK/es.pid")" 2>/dev/null; then
  echo "a quickstart node is already running (pid $(cat "$WORK/es.pid")); run '$0 stop' first" >&2
  exit 1
fi

echo "==> building the plugin (mvn -pl src -am package -DskipTests: onnx-ops and the plugin zip, no CUDA)"
mvn -B -q -ntp -pl src -am package -DskipTests
PLUGIN_ZIP=$(ls "$REPO"/target/longdoc-*-es"$ES_VERSION".zip)

echo "==> unpacking Elasticsearch $ES_VERSION (integ-test-zip from Maven Central) into $WORK"
rm -rf "$WORK" && mkdir -p "$WORK"
mvn -B -q -ntp -N dependency:copy \
  -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" -DoutputDirectory="$WORK"
(cd "$WORK" && unzip -q "elasticsearch-$ES_VERSION.zip")

echo "==> installing the plugin"
ES_JAVA_HOME="$JAVA_HOME" "$ES_HOME/bin/elasticsearch-plugin" install --batch "file://$PLUGIN_ZIP" >/dev/null
cat >> "$ES_HOME/config/elasticsearch.yml" <<YML
cluster.name: longdoc-quickstart
network.host: 127.0.0.1
http.port: $PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
YML

echo "==> starting Elasticsearch on $URL"
export ES_JAVA_HOME="$JAVA_HOME" ES_JAVA_OPTS="-Xms2g -Xmx2g"
if [ "$(id -u)" = 0 ]; then
  # Elasticsearch refuses to run as root: run it as an unprivileged user made for it.
  id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
  chown -R "$ES_USER" "$WORK"
  if ! runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch"; then
    echo "user $ES_USER cannot reach $ES_HOME: a folder above it is private to root (e.g. made by mktemp -d);" \
      "clone the repo where other users may enter (chmod o+x on the folders above it)" >&2
    exit 1
  fi
  started=yes
  runuser -u "$ES_USER" -- env ES_JAVA_HOME="$ES_JAVA_HOME" ES_JAVA_OPTS="$ES_JAVA_OPTS" \
    "$ES_HOME/bin/elasticsearch" -d -p "$WORK/es.pid" >"$WORK/startup.log" 2>&1 || started=no
else
  started=yes
  "$ES_HOME/bin/elasticsearch" -d -p "$WORK/es.pid" >"$WORK/startup.log" 2>&1 || started=no
fi
if [ "$started" = no ]; then
  echo "Elasticsearch did not start ($WORK/startup.log):" >&2
  tail -n 20 "$WORK/startup.log" >&2
  exit 1
fi
for i in $(seq 180); do
  curl -s "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1 && break
  if [ "$i" = 180 ]; then echo "Elasticsearch did not start; see $ES_HOME/logs" >&2; exit 1; fi
  sleep 1
done
echo "    up; plugin models:"
es GET /_longdoc/models | python3 -c '
import json, sys
r = json.load(sys.stdin)
for m in r["models"]:
    print("      %s  (%s dims, %s pooling, max %s tokens)%s" % (m["id"], m.get("dims"), m.get("pooling"), m.get("max_tokens"), "  [default]" if m["id"] == r["default_model"] else ""))
'

echo "==> creating pipeline [$PIPELINE] and index [$INDEX] (mapped by the plugin's component template longdoc-mappings)"
es PUT "/_ingest/pipeline/$PIPELINE" '{
  "description": "encode the whole text with the default longdoc model: embedding, section vectors, summary",
  "processors": [ { "long_doc": { "field": "text", "target_field": "longdoc", "sections": true } } ]
}' >/dev/null
# The plugin installs longdoc-mappings once the node has recovered its state; wait for it rather than race it.
for i in $(seq 30); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/_component_template/longdoc-mappings")" = 200 ] && break
  if [ "$i" = 30 ]; then echo "the component template longdoc-mappings did not appear; see $ES_HOME/logs" >&2; exit 1; fi
  sleep 1
done
es PUT "/_index_template/$INDEX" "{
  \"index_patterns\": [\"$INDEX*\"], \"composed_of\": [\"longdoc-mappings\"],
  \"template\": { \"mappings\": { \"properties\": {
    \"title\": { \"type\": \"text\" }, \"text\": { \"type\": \"text\" } } } } }" >/dev/null
es PUT "/$INDEX" >/dev/null

echo "==> ingesting $(wc -l < integration-tests/quickstart/samples.jsonl) sample long documents"
python3 - "$REPO/integration-tests/quickstart/samples.jsonl" > "$WORK/bulk.ndjson" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print(json.dumps({"index": {"_id": d["id"]}}))
    print(json.dumps({"title": d["title"], "text": d["text"]}))
PY
es POST "/$INDEX/_bulk?pipeline=$PIPELINE&refresh=true" "@$WORK/bulk.ndjson" | python3 -c '
import json, sys
r = json.load(sys.stdin)
bad = [i for i in r["items"] if i["index"].get("error")]
print("    indexed %d documents (encoding took %.1f s, the first document waits for the model to compile)" % (len(r["items"]) - len(bad), r.get("ingest_took", 0) / 1000.0) + (", %d failed: %s" % (len(bad), bad[0]["index"]["error"]) if bad else ""))
'

ask
echo
echo "The node keeps running on $URL (logs: $ES_HOME/logs)."
echo "Ask another question: QUESTION=\"...\" bash integration-tests/quickstart/quickstart.sh ask"
echo "Stop it:              bash integration-tests/quickstart/quickstart.sh stop"
