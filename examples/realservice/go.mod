module example.com/realservice

go 1.24

// A library vendored to stand for a third-party one: its frames are in
// vendor/, so reports count them as a library's, not as yours.
require (
	example.com/pubsub v1.0.0
	example.com/rpc v1.0.0
)
