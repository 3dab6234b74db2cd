package io.longdoc.bench;

import java.util.HashMap;
import java.util.Map;

/** What every bench shares on the command line: {@code --name value} options and timestamped progress lines. */
final class BenchCli {

    private BenchCli() {}

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") == false || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got [" + args[i] + "]");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static void progress(String message) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }
}
