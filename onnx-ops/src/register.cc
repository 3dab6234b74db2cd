// The library's only exported symbol (see cmake/longdoc_ops.lds): adds the "longdoc" domain to a session's options.
#include <mutex>
#include <string>
#include <vector>

#include "common/ort_glue.h"
#include "cpu/cpu_op.h"
#include "longdoc_ops.h"
#ifdef LONGDOC_WITH_CUDA
#include "cuda/cuda_op.h"
#endif

namespace {

// ORT keeps pointers to a domain in every session created from the options it was added to, and Java closes the
// options (unloading custom libraries, see -z nodelete in CMakeLists.txt) right after creating the session. So the
// domains are kept for the life of the process and deliberately never released: releasing them at exit would race
// ORT's own teardown. One small object per registration.
std::mutex g_domains_mutex;
std::vector<OrtCustomOpDomain*>* g_domains = new std::vector<OrtCustomOpDomain*>();

OrtStatus* Register(const OrtApi& api, OrtSessionOptions* options) {
  OrtCustomOpDomain* domain = nullptr;
  if (OrtStatus* status = api.CreateCustomOpDomain(longdoc::kDomain, &domain)) return status;
  {
    std::lock_guard<std::mutex> lock(g_domains_mutex);
    g_domains->push_back(domain);
  }
  if (OrtStatus* status = longdoc::cpu::RegisterOps(api, domain)) return status;
#ifdef LONGDOC_WITH_CUDA
  if (OrtStatus* status = longdoc::cuda::RegisterOps(api, domain)) return status;
#endif
  return api.AddCustomOpDomain(options, domain);
}

}  // namespace

extern "C" LONGDOC_EXPORT OrtStatus* ORT_API_CALL RegisterCustomOps(OrtSessionOptions* options, const OrtApiBase* api_base) {
  if (api_base == nullptr) return nullptr;  // nothing to report an error with; ORT never does this
  const OrtApi* api = api_base->GetApi(ORT_API_VERSION);
  if (api == nullptr) {
    // The runtime is older than the headers this library was built with. Version 1 of the API is always there and
    // has CreateStatus, so the caller gets a message instead of a crash later on a missing function.
    const OrtApi* oldest = api_base->GetApi(1);
    const std::string message = std::string("the longdoc ops library needs ONNX Runtime API version ") + std::to_string(ORT_API_VERSION) +
                                " or newer, this runtime is " + api_base->GetVersionString();
    return oldest == nullptr ? nullptr : oldest->CreateStatus(ORT_FAIL, message.c_str());
  }
  Ort::InitApi(api);
  OrtStatus* result = nullptr;
  OrtStatus* thrown = longdoc::StatusFromExceptions(*api, "registering the longdoc ops: ", [&] { result = Register(*api, options); });
  return thrown != nullptr ? thrown : result;
}
