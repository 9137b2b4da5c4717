package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/onest-seeker/seeker/sandbox/bpp"
)

// adminHandler adds the network's own admin endpoints beside the
// registry's, on the registry's server (the one address integrators
// already know):
//
//	GET  /describe                   the describe document, without the admin key
//	GET  /admin/bpps                 every BPP with its current faults
//	POST /admin/bpps/{id}/faults     replace a BPP's faults
//
// The faults body is the compact form of bpp.ParseFaults, either raw
// ("delay=2s,duplicate=1", "none" to clear) or as {"faults":"..."}. Both
// need the admin key. Changing faults at run time lets a long-running
// "seeker sandbox" serve a demo and a fault drill without a restart.
func (n *Network) adminHandler(registryHandler http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", registryHandler)
	mux.HandleFunc("GET /describe", func(w http.ResponseWriter, r *http.Request) {
		d := n.Description()
		d.AdminKey = ""
		writeJSON(w, http.StatusOK, d)
	})
	mux.HandleFunc("GET /admin/bpps", func(w http.ResponseWriter, r *http.Request) {
		if !requireAdmin(w, r, n.adminKey) {
			return
		}
		var out []Participant
		for _, p := range n.Description().Participants {
			if p.Type == "BPP" {
				out = append(out, p)
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /admin/bpps/{id}/faults", func(w http.ResponseWriter, r *http.Request) {
		if !requireAdmin(w, r, n.adminKey) {
			return
		}
		b := n.findBPP(r.PathValue("id"))
		if b == nil {
			writeError(w, http.StatusNotFound, "no BPP %q in this network (GET /admin/bpps lists them)", r.PathValue("id"))
			return
		}
		body, err := readBody(r)
		if err != nil {
			writeError(w, http.StatusBadRequest, "%v", err)
			return
		}
		spec := strings.TrimSpace(string(body))
		if strings.HasPrefix(spec, "{") {
			var v struct {
				Faults string `json:"faults"`
			}
			if err := json.Unmarshal(body, &v); err != nil {
				writeError(w, http.StatusBadRequest, "body must be {\"faults\":\"delay=2s,...\"} or the compact form itself: %v", err)
				return
			}
			spec = v.Faults
		}
		f, err := bpp.ParseFaults(spec)
		if err != nil {
			writeError(w, http.StatusBadRequest, "%v", err)
			return
		}
		b.bpp.SetFaults(f)
		n.log.Info("BPP faults changed", "bpp", b.id.SubscriberID, "faults", f.String())
		writeJSON(w, http.StatusOK, map[string]string{"subscriber_id": b.id.SubscriberID, "faults": f.String()})
	})
	return mux
}
