module github.com/libordertrack/libordertrack/bindings/go

go 1.19
