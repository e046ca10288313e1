module goleakcheck/bench/manygoroutines

go 1.19
