// /usr/sbin/sckl: a thin main over the verb table in cli.h.
#include "cli/cli.h"

int main(int argc, char** argv) { return sckl::cli_main(argc, argv); }
