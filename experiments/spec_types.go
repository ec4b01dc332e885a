package experiments

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// typeMismatch finds, in the generic decoding raw of a spec file, the first
// key (in sorted order at each level) whose TOML value cannot be stored in
// the Go field of t that it names, and says why. BurntSushi/toml reports such
// errors only as text; this finds the key (and so its line) without parsing
// that text. Keys with no field are left to the unknown-key check.
func typeMismatch(t reflect.Type, raw map[string]any) (key []string, msg string) {
	return mismatchIn(t, raw, nil)
}

func mismatchIn(t reflect.Type, raw map[string]any, path []string) ([]string, string) {
	fields := map[string]reflect.Type{}
	collectFields(t, fields)
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ft, ok := fields[k]
		if !ok {
			continue
		}
		p := append(slices.Clip(path), k)
		if bad, msg := mismatchValue(ft, raw[k], p); bad != nil {
			return bad, msg
		}
	}
	return nil, ""
}

// collectFields maps the TOML name of every field of struct type t (and of
// its untagged embedded structs) to the field's type.
func collectFields(t reflect.Type, out map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			collectFields(f.Type, out)
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		out[tag] = f.Type
	}
}

func mismatchValue(t reflect.Type, v any, path []string) ([]string, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	want := ""
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); !ok {
			want = "a string"
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, ok := v.(int64); !ok {
			want = "an integer"
		}
	case reflect.Float32, reflect.Float64:
		switch v.(type) {
		case float64, int64:
		default:
			want = "a number"
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			want = "true or false"
		}
	case reflect.Slice:
		var elems []any
		switch a := v.(type) {
		case []any:
			elems = a
		case []map[string]any:
			for _, m := range a {
				elems = append(elems, m)
			}
		default:
			want = "an array"
		}
		for _, e := range elems {
			if bad, msg := mismatchValue(t.Elem(), e, path); bad != nil {
				return bad, msg
			}
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			want = "a table"
			break
		}
		return mismatchIn(t, m, path)
	}
	if want == "" {
		return nil, ""
	}
	return path, fmt.Sprintf("wrong type: want %s, got %s", want, tomlType(v))
}

// tomlType names the TOML type of a decoded value.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	}
	return fmt.Sprintf("a %T", v)
}
