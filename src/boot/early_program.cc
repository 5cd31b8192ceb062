#include "boot/early_program.h"

#include "boot/init_shim.h"
#include "boot/switch_generator.h"

namespace sckl {

EarlyProgram early_program(std::string_view argv0) {
  const auto slash = argv0.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  return name == "init" ? EarlyProgram::Init : EarlyProgram::Generator;
}

int early_program_main(int argc, char** argv) {
  const std::string_view argv0 = argc > 0 && argv && argv[0] ? argv[0] : "";
  if (early_program(argv0) == EarlyProgram::Init) return init_shim_main(argc, argv);
  return switch_generator_main(argc, argv);
}

}  // namespace sckl
