package bpp

import (
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
)

// sloppify rewrites a correct callback body into the shapes real providers
// send (onest-domain.md §8.4, §11): 0.9-style context keys beside the 1.1.0
// ones and BPP_ID / BPP_URI in upper case, numbers where strings are due
// (price values, tag values, ratings), images as bare URL strings, and the
// typo "fullfillments". A BAP that is
// lenient on input must still read everything it needs from the result.
func sloppify(body []byte) []byte {
	var root map[string]any
	if err := json.Unmarshal(body, &root); err != nil {
		return body
	}
	if ctx, ok := root["context"].(map[string]any); ok {
		if v, ok := ctx["version"]; ok {
			ctx["core_version"] = v
		}
		ctx["country"] = "IND"
		ctx["city"] = "std:080"
		// Upper-case provider keys, as a real financial-support BPP sends them.
		for _, k := range []string{"bpp_id", "bpp_uri"} {
			if v, ok := ctx[k]; ok {
				delete(ctx, k)
				ctx[strings.ToUpper(k)] = v
			}
		}
	}
	if msg, ok := root["message"]; ok {
		root["message"] = sloppyWalk(msg, "")
	}
	out, err := json.Marshal(root, json.Deterministic(true))
	if err != nil {
		return body
	}
	return out
}

func sloppyWalk(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			nv := sloppyWalk(val, k)
			switch k {
			case "fulfillments":
				k = "fullfillments"
			case "value", "rating":
				if s, ok := nv.(string); ok {
					if f, err := strconv.ParseFloat(s, 64); err == nil {
						nv = f
					}
				}
			}
			out[k] = nv
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			if key == "images" {
				if m, ok := e.(map[string]any); ok {
					if u, ok := m["url"].(string); ok {
						out[i] = u
						continue
					}
				}
			}
			out[i] = sloppyWalk(e, "")
		}
		return out
	}
	return v
}
