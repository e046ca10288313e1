// A program that uses the library's clean-up on signals with no exit
// policy of its own (clean_up_on_signals()): it launches leakyservice and
// waits. Sent SIGINT, SIGTERM or SIGHUP, it must stop leakyservice and then
// die of that signal, the signal's own ending (integration/interrupt_test.cpp).
#include <unistd.h>

#include "goleakcheck/interrupt.hpp"
#include "goleakcheck/program.hpp"

int main() {
  goleakcheck::clean_up_on_signals();
  goleakcheck::Program program = goleakcheck::Program::launch({.argv = {GOLEAKCHECK_LEAKYSERVICE_BIN, "-addr", "{addr}"}});
  for (;;) ::pause();  // until a signal ends the process
}
