module goleakcheck.test/waitstates

go 1.19
