// Package shop is a small example merchant site that takes card payments
// through paygate in each of the three ways that keep card data off the
// merchant's server (hosted checkout, hosted fields) or encrypted on it
// (client-side encryption). paygate's browser tests drive it, so the
// example cannot rot.
//
// It is also the reference for merchants: its server keeps the secret key
// (its pages get only the publishable key) and never receives a clear card
// number (the tests feed every request body it receives to Config.Seen and
// check that); its pages load
// paygate.js from paygate. It depends only on the standard library and
// talks to paygate over its public HTTP API, as a merchant's code would,
// so it may import nothing from paygate's internal packages.
package shop
