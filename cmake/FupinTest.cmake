# fupin_add_test(NAME SOURCES... LIBS ...): a GoogleTest binary registered with ctest.
function(fupin_add_test name)
  if(NOT FUPIN_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  # The fixtures that open a PostgreSQL database with FUPIN_TEST_DB=postgres (issue 15;
  # src/storage/postgres/pg_test_store.h): linked in only by the tests that use them.
  if(TARGET fupin_pg_testing)
    target_link_libraries(${name} PRIVATE fupin_pg_testing)
  endif()
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "FUPIN_TESTDATA=${CMAKE_SOURCE_DIR}/tests/data")
endfunction()

# fupin_add_backend_test(BINARY BACKEND TIMEOUT [FILTER]): BINARY's tests run again with
# FUPIN_TEST_DB=BACKEND, as one ctest entry BINARY_BACKEND (issue 15).
function(fupin_add_backend_test binary backend timeout)
  if(NOT FUPIN_TESTS)
    return()
  endif()
  set(args)
  if(ARGC GREATER 3)
    set(args "--gtest_filter=${ARGV3}")
  endif()
  add_test(NAME ${binary}_${backend} COMMAND ${binary} ${args})
  set_tests_properties(${binary}_${backend} PROPERTIES TIMEOUT ${timeout}
                       ENVIRONMENT "FUPIN_TEST_DB=${backend};FUPIN_TESTDATA=${PROJECT_SOURCE_DIR}/tests/data")
endfunction()

# fupin_add_postgres_test(BINARY [FILTER]): BINARY's tests run a second time on PostgreSQL,
# as BINARY_postgres: FUPIN_TEST_DB=postgres makes the fixtures (MigratedStoreTest,
# ServiceTest, …; src/storage/postgres/pg_test_store.h) open a fresh database copied from a
# migrated template on one throwaway server per binary.
function(fupin_add_postgres_test binary)
  fupin_add_backend_test(${binary} postgres 600 ${ARGN})
endfunction()

# fupin_add_cluster_test(BINARY [FILTER]): BINARY's tests run a third time, on a sharded
# cluster, as BINARY_cluster: FUPIN_TEST_DB=cluster makes the binary's test server a
# three-instance cluster (scripts/pg-test-cluster) and the fixtures' databases fresh cluster
# databases (src/storage/postgres/cluster/pg_test_cluster.h).
function(fupin_add_cluster_test binary)
  fupin_add_backend_test(${binary} cluster 1800 ${ARGN})
endfunction()
