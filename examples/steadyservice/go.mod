module example.com/steadyservice

go 1.21
