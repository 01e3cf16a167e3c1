# fupin_add_test(NAME SOURCES... LIBS ...): a GoogleTest binary registered with ctest.
function(fupin_add_test name)
  if(NOT FUPIN_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "FUPIN_TESTDATA=${CMAKE_SOURCE_DIR}/tests/data")
endfunction()
