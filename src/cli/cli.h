// The `fupin` command line (spec/cli.md): parses arguments, calls a service, prints a
// table for people or JSON for scripts. Exit codes: 0 success, 2 bad input, 1 other.
#pragma once

namespace fupin {

int RunCli(int argc, char** argv);

}  // namespace fupin
