// Package fault defines the one error type the domain and engine return: a
// kind (what class of failure), a stable machine code, the offending parameter
// and a human message. Each front door maps kinds to its own wire format in
// one place. It depends on nothing but the standard library.
package fault
