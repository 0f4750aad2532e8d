#include "cli.h"
int cmd_batch(int argc, char **argv, cm_cli *cli) { return cli_usage_error("batch", "not built yet"); }
