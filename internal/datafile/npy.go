// Package datafile is the one home of the project's data file formats:
// NumPy .npy arrays (this file) and CSV / whitespace-separated text tables
// of samples and series (text.go). Readers never panic on any input, refuse
// truncated or oversized files before allocating, and return one-line
// errors that the caller prefixes with the file name.
//
// # Why the NPY code is hand-written
//
// The module depends on codeberg.org/sbinet/npyio (v0.14.0). It was checked
// for this job and is used where it does the job (float16 decoding, and the
// tests read our output back with it as an independent implementation), but
// its reader and writer are not used because:
//
//   - the header parser is positional: it needs the keys in the order
//     descr, fortran_order, shape, and it panics (slice out of range) when
//     the header has no newline or no closing brace, or a key is missing;
//   - it reads format versions 1.0 and 2.0 only (numpy writes 3.0 for
//     non-latin-1 field names);
//   - it allocates the header length and the element count claimed by the
//     file before reading (a 138-byte file claiming 2^28 rows allocates
//     gigabytes; a v2 header length of 0xFFFFFFF0 overflows int on 32-bit);
//   - it ignores io.EOF while reading elements, so a truncated file reads
//     as a full array padded with zeros;
//   - its writer writes version 2.0 headers padded to 16 bytes, not the
//     version 1.0 headers padded to 64 bytes that numpy writes and that
//     isingrbm has always written (our files must stay byte-identical).
package datafile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy/float16"
)

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// MaxNPYHeader bounds the header length field (1 MiB; numpy itself refuses
// headers over 10000 bytes unless told otherwise).
const MaxNPYHeader = 1 << 20

// MaxValues bounds the number of values of an array or table read by this
// package (2^31 - 1, 16 GiB as float64): it fits an int on 32-bit
// platforms, and a claim beyond it is refused before anything is allocated.
const MaxValues = 1<<31 - 1

// DType is a numeric NumPy dtype: Kind 'b' (bool), 'i' (signed integer),
// 'u' (unsigned integer) or 'f' (IEEE float), Size in bytes.
type DType struct {
	Kind  byte
	Size  int
	Order binary.ByteOrder
}

// ParseDType parses a dtype descr string of a .npy header ("<f8", "|i1",
// "|b1", ">i4", ...). Only numeric and bool dtypes are supported.
func ParseDType(s string) (DType, error) {
	bad := func() (DType, error) {
		return DType{}, fmt.Errorf("dtype %s not supported: allowed bool, int8..int64, uint8..uint64, float16, float32, float64", Quote(s))
	}
	if len(s) < 3 || len(s) > 4 {
		return bad()
	}
	var d DType
	switch s[0] {
	case '<':
		d.Order = binary.LittleEndian
	case '>':
		d.Order = binary.BigEndian
	case '|':
	default:
		return bad()
	}
	d.Kind = s[1]
	size, err := strconv.Atoi(s[2:])
	if err != nil {
		return bad()
	}
	d.Size = size
	ok := false
	switch d.Kind {
	case 'b':
		ok = size == 1
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'f':
		ok = size == 2 || size == 4 || size == 8
	}
	if !ok {
		return bad()
	}
	if size == 1 {
		d.Order = binary.LittleEndian // any
	} else if d.Order == nil {
		return bad() // '|' is for single bytes
	}
	return d, nil
}

// String returns the numpy name of the dtype.
func (d DType) String() string {
	switch d.Kind {
	case 'b':
		return "bool"
	case 'i':
		return fmt.Sprintf("int%d", 8*d.Size)
	case 'u':
		return fmt.Sprintf("uint%d", 8*d.Size)
	}
	return fmt.Sprintf("float%d", 8*d.Size)
}

// NPYHeader is the header of a .npy file.
type NPYHeader struct {
	Major, Minor byte
	Descr        string // dtype descr as written ("<f8")
	DType        DType
	Fortran      bool  // data in Fortran (column-major) order
	Shape        []int // nil for a scalar
	DataOffset   int64 // bytes before the data
}

// Len returns the number of elements (product of the shape); the header
// reader has checked that it is at most MaxValues.
func (h *NPYHeader) Len() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

// ReadNPYHeader reads and checks a .npy header (format versions 1.0, 2.0
// and 3.0; keys in any order; Python 2 long integers such as 3L in the
// shape). size is the length of the whole input when known (a file), or
// -1; with it, a header or array larger than the input is refused before
// anything is allocated.
func ReadNPYHeader(r io.Reader, size int64) (NPYHeader, error) {
	var h NPYHeader
	var pre [8]byte
	if n, err := io.ReadFull(r, pre[:]); err != nil {
		if n == 0 {
			return h, errors.New("npy: empty file: not a NumPy .npy file")
		}
		return h, fmt.Errorf("npy: file of %d bytes: not a NumPy .npy file", n)
	}
	if string(pre[:6]) != npyMagic {
		return h, errors.New("npy: not a NumPy .npy file (no \\x93NUMPY magic)")
	}
	h.Major, h.Minor = pre[6], pre[7]
	var hlen int64
	switch h.Major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, errors.New("npy: file ends inside the header length")
		}
		hlen = int64(binary.LittleEndian.Uint16(b[:]))
		h.DataOffset = 10 + hlen
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return h, errors.New("npy: file ends inside the header length")
		}
		hlen = int64(binary.LittleEndian.Uint32(b[:]))
		h.DataOffset = 12 + hlen
	default:
		return h, fmt.Errorf("npy: format version %d.%d not supported: allowed 1.0, 2.0, 3.0", h.Major, h.Minor)
	}
	if h.Minor != 0 {
		return h, fmt.Errorf("npy: format version %d.%d not supported: allowed 1.0, 2.0, 3.0", h.Major, h.Minor)
	}
	if hlen > MaxNPYHeader {
		return h, fmt.Errorf("npy: header length %d bytes: at most %d", hlen, MaxNPYHeader)
	}
	if size >= 0 && h.DataOffset > size {
		return h, fmt.Errorf("npy: truncated: header of %d bytes, file of %d", h.DataOffset, size)
	}
	hdr := make([]byte, hlen)
	if n, err := io.ReadFull(r, hdr); err != nil {
		return h, fmt.Errorf("npy: truncated: file ends %d bytes into a header of %d", n, hlen)
	}
	if err := parseNPYDict(hdr, &h); err != nil {
		return h, err
	}
	if size >= 0 {
		need := int64(h.Len()) * int64(h.DType.Size)
		if have := size - h.DataOffset; have < need {
			return h, fmt.Errorf("npy: truncated: shape %s needs %d values (%d bytes of %s), the file holds %d: %d values missing",
				shapeString(h.Shape), h.Len(), need, h.DType, have/int64(h.DType.Size), int64(h.Len())-have/int64(h.DType.Size))
		} else if have > need {
			return h, fmt.Errorf("npy: %d bytes after the %d values of shape %s: the header does not describe the file", have-need, h.Len(), shapeString(h.Shape))
		}
	}
	return h, nil
}

// parseNPYDict parses the header dictionary, a Python literal such as
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }, followed by
// spaces and a newline.
func parseNPYDict(b []byte, h *NPYHeader) error {
	p := &dictParser{b: b}
	if err := p.dict(h); err != nil {
		return fmt.Errorf("npy: header %s: %w", Quote(string(b)), err)
	}
	d, err := ParseDType(h.Descr)
	if err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	h.DType = d
	return nil
}

type dictParser struct {
	b []byte
	i int
}

func (p *dictParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *dictParser) peek() byte {
	p.space()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *dictParser) expect(c byte) error {
	if p.peek() != c {
		if p.i >= len(p.b) {
			return fmt.Errorf("ends before %q", c)
		}
		return fmt.Errorf("%q at byte %d, want %q", p.b[p.i], p.i, c)
	}
	p.i++
	return nil
}

func (p *dictParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", fmt.Errorf("want a quoted string at byte %d", p.i)
	}
	j := bytes.IndexByte(p.b[p.i+1:], q)
	if j < 0 {
		return "", errors.New("unterminated string")
	}
	s := string(p.b[p.i+1 : p.i+1+j])
	if strings.ContainsRune(s, '\\') {
		return "", errors.New("escapes in strings not supported")
	}
	p.i += j + 2
	return s, nil
}

func (p *dictParser) word() string {
	p.space()
	j := p.i
	for j < len(p.b) && (p.b[j] >= 'A' && p.b[j] <= 'Z' || p.b[j] >= 'a' && p.b[j] <= 'z' || p.b[j] >= '0' && p.b[j] <= '9') {
		j++
	}
	w := string(p.b[p.i:j])
	p.i = j
	return w
}

func (p *dictParser) dict(h *NPYHeader) error {
	if err := p.expect('{'); err != nil {
		return err
	}
	seen := map[string]bool{}
	for p.peek() != '}' {
		k, err := p.str()
		if err != nil {
			return err
		}
		if seen[k] {
			return fmt.Errorf("key %q twice", k)
		}
		seen[k] = true
		if err := p.expect(':'); err != nil {
			return err
		}
		switch k {
		case "descr":
			if p.peek() == '[' {
				return errors.New("structured dtypes not supported: want a plain numeric array")
			}
			if h.Descr, err = p.str(); err != nil {
				return fmt.Errorf("descr: %w", err)
			}
		case "fortran_order":
			switch w := p.word(); w {
			case "True":
				h.Fortran = true
			case "False":
				h.Fortran = false
			default:
				return fmt.Errorf("fortran_order %s: want True or False", Quote(w))
			}
		case "shape":
			if h.Shape, err = p.shape(); err != nil {
				return fmt.Errorf("shape: %w", err)
			}
		default:
			return fmt.Errorf("unknown key %s: want descr, fortran_order, shape", Quote(k))
		}
		if p.peek() == '}' {
			break
		}
		if err := p.expect(','); err != nil {
			return err
		}
	}
	p.i++ // '}'
	p.space()
	if p.i != len(p.b) {
		return fmt.Errorf("%d bytes after the closing brace", len(p.b)-p.i)
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return fmt.Errorf("key %q missing", k)
		}
	}
	return nil
}

func (p *dictParser) shape() ([]int, error) {
	if err := p.expect('('); err != nil {
		return nil, err
	}
	shape := []int{}
	total := int64(1)
	for p.peek() != ')' {
		w := strings.TrimSuffix(p.word(), "L") // Python 2 long
		d, err := strconv.Atoi(w)
		if err != nil || d < 0 || len(w) > 12 || w[0] == '+' {
			return nil, fmt.Errorf("dimension %s: want a non-negative integer", Quote(w))
		}
		shape = append(shape, d)
		if len(shape) > 32 {
			return nil, errors.New("more than 32 dimensions")
		}
		if d > 0 && total > MaxValues/int64(d) {
			return nil, fmt.Errorf("more than %d values", MaxValues)
		}
		total *= int64(d)
		if p.peek() == ')' {
			break
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
	}
	p.i++
	if len(shape) == 0 {
		return nil, nil
	}
	return shape, nil
}

func shapeString(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = strconv.Itoa(d)
	}
	if len(s) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// NPY is an array read from a .npy file, its data in C order.
type NPY struct {
	NPYHeader
	Raw []byte // Len() elements of DType.Size bytes, C (row-major) order
}

// ReadNPY reads a whole .npy array from r (see ReadNPYHeader for size).
// A truncated file is refused with the number of missing values; when size
// is -1 the data are read without trusting the shape for the allocation.
// Fortran-order data are returned in C order.
func ReadNPY(r io.Reader, size int64) (*NPY, error) {
	h, err := ReadNPYHeader(r, size)
	if err != nil {
		return nil, err
	}
	n := h.Len()
	need := int64(n) * int64(h.DType.Size)
	var raw []byte
	if size >= 0 {
		raw = make([]byte, need) // checked against the file size
		if got, err := io.ReadFull(r, raw); err != nil && need > 0 {
			return nil, fmt.Errorf("npy: truncated: %d values missing: %w", n-got/h.DType.Size, err)
		}
	} else {
		// Unknown input size: let the buffer grow with what is really there.
		if raw, err = io.ReadAll(io.LimitReader(r, need)); err != nil {
			return nil, fmt.Errorf("npy: reading data: %w", err)
		}
		if int64(len(raw)) < need {
			return nil, fmt.Errorf("npy: truncated: shape %s needs %d values, the input holds %d: %d values missing",
				shapeString(h.Shape), n, len(raw)/h.DType.Size, n-len(raw)/h.DType.Size)
		}
	}
	a := &NPY{NPYHeader: h, Raw: raw}
	if h.Fortran && len(h.Shape) > 1 && n > 0 {
		a.Raw = fortranToC(raw, h.Shape, h.DType.Size)
	}
	return a, nil
}

// fortranToC reorders column-major elements of the given size and shape
// into row-major order.
func fortranToC(raw []byte, shape []int, size int) []byte {
	out := make([]byte, len(raw))
	nd := len(shape)
	idx := make([]int, nd) // C-order multi-index of element c
	fstride := make([]int, nd)
	s := 1
	for k := 0; k < nd; k++ {
		fstride[k] = s
		s *= shape[k]
	}
	for c := 0; c < len(raw)/size; c++ {
		f := 0
		for k := 0; k < nd; k++ {
			f += idx[k] * fstride[k]
		}
		copy(out[c*size:(c+1)*size], raw[f*size:(f+1)*size])
		for k := nd - 1; k >= 0; k-- {
			if idx[k]++; idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// Float64 returns element i (C order) as a float64: bools are 0 or 1,
// integers are converted (exactly up to 2^53).
func (a *NPY) Float64(i int) float64 {
	d := a.DType
	b := a.Raw[i*d.Size : (i+1)*d.Size]
	switch d.Kind {
	case 'b':
		if b[0] != 0 {
			return 1
		}
		return 0
	case 'i':
		switch d.Size {
		case 1:
			return float64(int8(b[0]))
		case 2:
			return float64(int16(d.Order.Uint16(b)))
		case 4:
			return float64(int32(d.Order.Uint32(b)))
		}
		return float64(int64(d.Order.Uint64(b)))
	case 'u':
		switch d.Size {
		case 1:
			return float64(b[0])
		case 2:
			return float64(d.Order.Uint16(b))
		case 4:
			return float64(d.Order.Uint32(b))
		}
		return float64(d.Order.Uint64(b))
	}
	switch d.Size {
	case 2:
		return float64(float16.Float16Frombits(d.Order.Uint16(b)).Float32())
	case 4:
		return float64(math.Float32frombits(d.Order.Uint32(b)))
	}
	return math.Float64frombits(d.Order.Uint64(b))
}

// WriteNPYHeader writes a NumPy format 1.0 header for a C-order array of
// the given dtype descr ("|i1", "<f8") and shape, padded with spaces to a
// multiple of 64 bytes, as numpy.save does.
func WriteNPYHeader(w io.Writer, descr string, shape []int) error {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeString(shape))
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	if len(hdr) > math.MaxUint16 {
		return errors.New("npy: header too long")
	}
	b := append([]byte(npyMagic+"\x01\x00"), byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	_, err := w.Write(b)
	return err
}

// WriteInt8 writes an int8 array ("|i1") of the given shape, C order.
func WriteInt8(w io.Writer, shape []int, data []int8) error {
	if err := WriteNPYHeader(w, "|i1", shape); err != nil {
		return err
	}
	b := make([]byte, len(data))
	for i, v := range data {
		b[i] = byte(v)
	}
	_, err := w.Write(b)
	return err
}

// WriteFloat64 writes a little-endian float64 array ("<f8") of the given
// shape, C order.
func WriteFloat64(w io.Writer, shape []int, data []float64) error {
	if err := WriteNPYHeader(w, "<f8", shape); err != nil {
		return err
	}
	b := make([]byte, 0, 8*len(data))
	for _, v := range data {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	_, err := w.Write(b)
	return err
}

// Quote quotes s for an error message, cut to about 100 characters.
func Quote(s string) string {
	const max = 100
	if len(s) > max {
		r := []rune(s)
		if len(r) > max {
			return strconv.Quote(string(r[:max])) + "..."
		}
	}
	return strconv.Quote(s)
}
