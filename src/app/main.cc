#include "cli/cli.h"

int main(int argc, char** argv) { return fupin::RunCli(argc, argv); }
