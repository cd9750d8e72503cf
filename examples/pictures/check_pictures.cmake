# Runs `pictures COMMAND` into OUT and compares each named SVG with its committed copy in IMAGES, byte
# for byte: the pictures in docs/images/ that need no trained run cannot drift from the code.
#   cmake -DPROGRAM=<pictures> -DCOMMAND=<model|matrices> -DOUT=<dir> -DIMAGES=<docs/images> "-DFILES=<file names>"
#         -P check_pictures.cmake
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${PROGRAM} ${COMMAND} --out ${OUT} RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} ${COMMAND} failed with status ${status}")
endif()
foreach(name ${FILES})
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${IMAGES}/${name} ${OUT}/${name} RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${OUT}/${name} differs from the committed ${IMAGES}/${name}. If the change is intended, "
                        "run: build/release/examples/pictures/pictures ${COMMAND} --out docs/images")
  endif()
endforeach()
