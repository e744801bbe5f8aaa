# A throwaway PostgreSQL server for the tests that need one (label "postgres"): started before the
# first of them and stopped after the last by CTest fixtures (tests/postgres_cluster.sh). A server
# that cannot start fails the setup test, and CTest then fails every test that needs it: never a
# silent skip.
set(MMDREG_PG_STATE ${CMAKE_CURRENT_BINARY_DIR}/postgres)
add_test(NAME postgres_start COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/postgres_cluster.sh start ${MMDREG_PG_STATE})
add_test(NAME postgres_stop COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/postgres_cluster.sh stop ${MMDREG_PG_STATE})
set_tests_properties(postgres_start PROPERTIES FIXTURES_SETUP postgres LABELS "postgres")
set_tests_properties(postgres_stop PROPERTIES FIXTURES_CLEANUP postgres LABELS "postgres")

# mmdreg_requires_postgres(TEST...): the tests read the server's URI from MMDREG_TEST_POSTGRES and
# its password from PGPASSFILE, as any libpq client would.
function(mmdreg_requires_postgres)
  foreach(test ${ARGV})
    set_property(TEST ${test} APPEND PROPERTY LABELS "postgres")
    set_property(TEST ${test} APPEND PROPERTY FIXTURES_REQUIRED postgres)
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT
      "MMDREG_TEST_POSTGRES_STATE=${MMDREG_PG_STATE}"
      "PGPASSFILE=${MMDREG_PG_STATE}/pgpass")
  endforeach()
endfunction()
mmdreg_requires_postgres(test_store_postgres)
# It reaches into the store's client layer (src/store/postgres_connection.hpp), which includes libpq-fe.h.
target_link_libraries(test_store_postgres PRIVATE PostgreSQL::PostgreSQL)
