// libFuzzer's start-up hook for the targets that need nothing but a quiet
// logger (sckl's log lines for every input would drown the fuzzer's). Targets
// with their own set-up (cli_args, debconf) define LLVMFuzzerInitialize
// themselves and are built without this file (CMakeLists.txt).
#include "fuzz_util.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  sckl::fuzz::silence_log();
  return 0;
}
