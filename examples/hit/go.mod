module example.com/hit

go 1.19
