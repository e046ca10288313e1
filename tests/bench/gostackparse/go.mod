module goleakcheck/bench/gostackparse

go 1.19

require github.com/DataDog/gostackparse v0.7.0
