module example.com/realservice

go 1.24
