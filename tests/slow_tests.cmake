# tests/slow_tests.cmake: the longest tests, which ctest starts first (a COST above the others'), so that
# `ctest -j2` on a fresh build does not end with one of them running alone on one core. CTestTestfile
# includes this after the suites' discovered tests (tests/CMakeLists.txt); a name that is no longer a
# test is ignored. The examples' own costs are set in examples/CMakeLists.txt.
foreach(name
        "kill -9 at random moments of the real program: it resumes bit for bit, nothing left behind"
        "a save stopped at each of its file operations: the run resumes bit for bit from the last whole checkpoint"
        "a run stopped by Ctrl-C and resumed gives the losses of an uninterrupted run, bit for bit"
        "300 steps on the toy grammar's English: the loss falls below 2.6 and samples end with a period"
        "a training step gives the same bits on 1, 2 or 3 threads, and again on a second run"
        "a short training run: the loss falls below a recorded bound, and the files are written")
  set_tests_properties("${name}" PROPERTIES COST 100)
endforeach()
