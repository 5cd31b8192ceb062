#include "cli.h"

namespace sckl {

int cli_main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  return 0;
}

}  // namespace sckl
