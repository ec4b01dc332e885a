// Package rng derives the project's random sources. There is no global random
// number generator anywhere in isingrbm: every random function takes a
// math/rand/v2 Source, and every source is a PCG seeded from the user's seed and
// a stream id (for example the index of a temperature, replica or chain), so a
// run gives the same bytes whatever GOMAXPROCS is.
package rng

import "math/rand/v2"

// splitmix64 scrambles a seed so that nearby seeds and stream ids give
// unrelated PCG states.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// New returns a PCG source for the given user seed and stream id.
func New(seed, stream uint64) *rand.PCG {
	return rand.NewPCG(splitmix64(seed^splitmix64(stream)), splitmix64(stream+0x632be59bd9b4e019))
}

// NewRand returns a *rand.Rand over New(seed, stream).
func NewRand(seed, stream uint64) *rand.Rand { return rand.New(New(seed, stream)) }
