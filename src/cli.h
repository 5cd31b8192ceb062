#pragma once

namespace sckl {

// The sckl command: a table of verbs (see cli.cc and sckl(8)).
int cli_main(int argc, char** argv);

}  // namespace sckl
