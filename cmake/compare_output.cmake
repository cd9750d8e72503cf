# Runs PROGRAM and compares its standard output with the file EXPECTED, byte for byte.
#   cmake -DPROGRAM=<exe> -DEXPECTED=<file> -DACTUAL=<file to write> -P compare_output.cmake
# The examples' expected outputs are committed (examples/expected/) and shown in the chapters, so a
# change in what an example prints fails here until the expected file (and chapter) are updated.
execute_process(COMMAND ${PROGRAM} OUTPUT_FILE ${ACTUAL} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} failed with status ${status}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${EXPECTED} ${ACTUAL} RESULT_VARIABLE differ)
if(differ)
  execute_process(COMMAND diff -u ${EXPECTED} ${ACTUAL} OUTPUT_VARIABLE diff_text)
  message(FATAL_ERROR "the output of ${PROGRAM} differs from ${EXPECTED}:\n${diff_text}\n"
                      "If the change is intended, copy ${ACTUAL} over the expected file and run ./run docs.")
endif()
