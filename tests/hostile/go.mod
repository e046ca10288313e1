module goleakcheck.test/hostile

go 1.19
