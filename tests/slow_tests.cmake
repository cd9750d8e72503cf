# tests/slow_tests.cmake: the longest tests, which ctest starts first (COST: higher starts earlier), so
# that `ctest -j2` on a fresh build does not end with one of them running alone on one core. The costs
# only order them: the longest under the sanitizers first. CTestTestfile includes this after the suites'
# discovered tests (tests/CMakeLists.txt); a name that is no longer a test is ignored. The examples'
# costs are set in examples/CMakeLists.txt and examples/pictures/CMakeLists.txt.
set_tests_properties(
  "kill -9 at random moments of the real program: it resumes bit for bit, nothing left behind"
  PROPERTIES COST 600)
set_tests_properties(
  "a save stopped at each of its file operations: the run resumes bit for bit from the last whole checkpoint"
  PROPERTIES COST 300)
set_tests_properties(
  "300 steps on the toy grammar's English: the loss falls below 2.6 and samples end with a period"
  PROPERTIES COST 120)
set_tests_properties(
  "a run stopped by Ctrl-C and resumed gives the losses of an uninterrupted run, bit for bit"
  PROPERTIES COST 100)
set_tests_properties(
  "a training step gives the same bits on 1, 2 or 3 threads, and again on a second run"
  PROPERTIES COST 80)
set_tests_properties(
  "a short training run: the loss falls below a recorded bound, and the files are written"
  PROPERTIES COST 60)
