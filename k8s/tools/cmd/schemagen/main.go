// Command schemagen writes the JSON Schemas that kubeconform validates against, offline.
//
// kubeconform normally downloads them (github.com/yannh/kubernetes-json-schema). Here they are
// made the same way those are made (openapi2jsonschema: standalone, strict), from sources
// that the Go module proxy serves:
//   - the Kubernetes API:      api/openapi-spec/swagger.json of the module k8s.io/kubernetes
//   - custom resources (CRDs): spec.versions[].schema.openAPIV3Schema of CRD files, e.g. the
//     MongoDB Community Operator's, from its Go module
//
// One file per kind and version, named as kubeconform looks it up with the schema location
// "<dir>/{{ .ResourceKind }}{{ .KindSuffix }}.json" (deployment-apps-v1.json, service-v1.json,
// mongodbcommunity-mongodbcommunity-v1.json). Each file is standalone (the definitions it
// needs are inlined under "definitions") and strict: every object that lists its properties
// rejects any other property, unless the API marks it as free-form. Int-or-string fields and
// quantities accept both forms, as the API server does. Output is deterministic.
//
// Usage: schemagen -out DIR -swagger swagger.json [-crd crd.yaml ...]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

const refPrefix = "#/definitions/"

func main() {
	out := flag.String("out", "", "output directory")
	swagger := flag.String("swagger", "", "Kubernetes OpenAPI v2 document (swagger.json)")
	var crds multi
	flag.Var(&crds, "crd", "CustomResourceDefinition YAML file (repeatable)")
	flag.Parse()
	if *out == "" || *swagger == "" {
		fail("usage: schemagen -out DIR -swagger swagger.json [-crd crd.yaml ...]")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err.Error())
	}
	n := 0
	n += fromSwagger(*swagger, *out)
	for _, c := range crds {
		n += fromCRD(c, *out)
	}
	fmt.Printf("schemagen: %d schemas in %s\n", n, *out)
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "schemagen:", msg)
	os.Exit(1)
}

func fileName(group, version, kind string) string {
	suffix := "-" + strings.ToLower(version)
	if group != "" {
		suffix = "-" + strings.ToLower(strings.Split(group, ".")[0]) + "-" + strings.ToLower(version)
	}
	return strings.ToLower(kind) + suffix + ".json"
}

func fromSwagger(path, out string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		fail(path + ": " + err.Error())
	}
	defs := map[string]any{}
	for name, d := range doc.Definitions {
		defs[name] = normalise(d)
	}
	// A quantity is written as a string ("500m", "1Gi") or a plain number (1, 0.5).
	defs["io.k8s.apimachinery.pkg.api.resource.Quantity"] = quantity()
	names := make([]string, 0, len(doc.Definitions))
	for name := range doc.Definitions {
		names = append(names, name)
	}
	sort.Strings(names)
	n := 0
	for _, name := range names {
		gvks, _ := doc.Definitions[name]["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk := g.(map[string]any)
			group, _ := gvk["group"].(string)
			version, _ := gvk["version"].(string)
			kind, _ := gvk["kind"].(string)
			file := filepath.Join(out, fileName(group, version, kind))
			// Types registered under several groups (DeleteOptions, WatchEvent, ...) are not
			// resources; their first group wins, which is harmless.
			if _, err := os.Stat(file); err == nil {
				continue
			}
			root := deepCopy(defs[name]).(map[string]any)
			closure := map[string]any{}
			collect(root, defs, closure)
			if len(closure) > 0 {
				root["definitions"] = closure
			}
			root["$schema"] = "http://json-schema.org/draft-07/schema#"
			write(file, root)
			n++
		}
	}
	return n
}

// collect adds to closure every definition reachable from node through $ref.
func collect(node any, defs, closure map[string]any) {
	switch v := node.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok && strings.HasPrefix(ref, refPrefix) {
			name := strings.TrimPrefix(ref, refPrefix)
			if _, seen := closure[name]; !seen {
				d, ok := defs[name]
				if !ok {
					fail("unresolved $ref " + ref)
				}
				closure[name] = d
				collect(d, defs, closure)
			}
		}
		for k, c := range v {
			if k == "definitions" {
				continue
			}
			collect(c, defs, closure)
		}
	case []any:
		for _, c := range v {
			collect(c, defs, closure)
		}
	}
}

func fromCRD(path, out string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		fail(err.Error())
	}
	var crd struct {
		Kind string `yaml:"kind"`
		Spec struct {
			Group string `yaml:"group"`
			Names struct {
				Kind string `yaml:"kind"`
			} `yaml:"names"`
			Versions []struct {
				Name   string `yaml:"name"`
				Served bool   `yaml:"served"`
				Schema struct {
					OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
				} `yaml:"schema"`
			} `yaml:"versions"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(raw, &crd); err != nil {
		fail(path + ": " + err.Error())
	}
	if crd.Kind != "CustomResourceDefinition" || crd.Spec.Names.Kind == "" {
		fail(path + ": not a CustomResourceDefinition")
	}
	n := 0
	for _, v := range crd.Spec.Versions {
		if !v.Served || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		root := normalise(jsonRoundTrip(v.Schema.OpenAPIV3Schema)).(map[string]any)
		root["$schema"] = "http://json-schema.org/draft-07/schema#"
		write(filepath.Join(out, fileName(crd.Spec.Group, v.Name, crd.Spec.Names.Kind)), root)
		n++
	}
	return n
}

// normalise turns an OpenAPI schema into a strict JSON Schema: descriptions dropped, $ref
// siblings dropped (draft-07 ignores them anyway), int-or-string and quantities widened,
// nullable honoured, and additionalProperties:false wherever properties are listed and the
// API does not preserve unknown fields.
func normalise(node any) any {
	switch v := node.(type) {
	case map[string]any:
		if ref, ok := v["$ref"]; ok {
			return map[string]any{"$ref": ref}
		}
		if v["format"] == "int-or-string" || v["x-kubernetes-int-or-string"] == true {
			return map[string]any{"oneOf": []any{
				map[string]any{"type": "string"}, map[string]any{"type": "integer"},
			}}
		}
		outMap := map[string]any{}
		for k, c := range v {
			if k == "description" || k == "x-kubernetes-group-version-kind" {
				continue
			}
			if k == "properties" {
				props := map[string]any{}
				for pk, pv := range c.(map[string]any) {
					props[pk] = normalise(pv)
				}
				outMap[k] = props
				continue
			}
			outMap[k] = normalise(c)
		}
		if _, has := v["properties"]; has {
			if _, set := v["additionalProperties"]; !set && v["x-kubernetes-preserve-unknown-fields"] != true {
				outMap["additionalProperties"] = false
			}
		}
		if v["nullable"] == true {
			if t, ok := v["type"].(string); ok {
				outMap["type"] = []any{t, "null"}
			}
		}
		return outMap
	case []any:
		outList := make([]any, len(v))
		for i, c := range v {
			outList[i] = normalise(c)
		}
		return outList
	default:
		return v
	}
}

func quantity() map[string]any {
	return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
}

func deepCopy(v any) any { return jsonRoundTrip(v) }

func jsonRoundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		fail(err.Error())
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		fail(err.Error())
	}
	return out
}

func write(file string, schema map[string]any) {
	b, err := json.MarshalIndent(schema, "", " ")
	if err != nil {
		fail(err.Error())
	}
	if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
		fail(err.Error())
	}
}
