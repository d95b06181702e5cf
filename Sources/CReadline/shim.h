// GNU readline, for the REPL's line editing, history and completion. Only the REPL imports it.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
