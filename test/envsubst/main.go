// envsubst-eval substitutes each text of a JSON request with github.com/fluxcd/pkg/envsubst, the way
// kustomize-controller's postBuild does (fluxcd/pkg/kustomize varSubstitution): a variable that is not set reads
// as an empty string that exists, unless strict is set (the StrictPostBuildSubstitutions feature gate). It is the
// reference of kubestrap's substitution in the differential test; scripts/testenv/provision.ts builds it.
//
// stdin:  {"vars": {"NAME": "value"}, "strict": false, "texts": ["${NAME}"]}
// stdout: [{"output": "value"}] or [{"error": "..."}], one per text
package main

import (
	"encoding/json"
	"os"

	"github.com/fluxcd/pkg/envsubst"
)

type request struct {
	Vars   map[string]string `json:"vars"`
	Strict bool              `json:"strict"`
	Texts  []string          `json:"texts"`
}

type result struct {
	Output *string `json:"output,omitempty"`
	Error  string  `json:"error,omitempty"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		os.Stderr.WriteString("envsubst-eval: " + err.Error() + "\n")
		os.Exit(2)
	}
	lookup := func(name string) (string, bool) {
		value, ok := req.Vars[name]
		if req.Strict {
			return value, ok
		}
		return value, true
	}
	results := make([]result, 0, len(req.Texts))
	for _, text := range req.Texts {
		output, err := envsubst.Eval(text, lookup)
		if err != nil {
			results = append(results, result{Error: err.Error()})
			continue
		}
		results = append(results, result{Output: &output})
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		os.Exit(1)
	}
}
