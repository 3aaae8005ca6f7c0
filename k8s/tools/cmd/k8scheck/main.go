// Command k8scheck asserts what the OpenLGSP manifests promise beyond schema validity
// (kubeconform checks the schemas): the security properties of every workload, the complete
// set of objects per service, the per-overlay settings, that every service folder under
// services/ is deployed, and the NATS chart values (accounts and permissions).
//
// It prints one line per failed assertion and closes with "k8scheck: N passed, N failed";
// it exits non-zero when anything failed.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

type obj = map[string]any

type checker struct {
	passed, failed int
	scope          string
}

func (c *checker) check(ok bool, format string, args ...any) bool {
	if ok {
		c.passed++
		return true
	}
	c.failed++
	fmt.Printf("FAIL [%s] %s\n", c.scope, fmt.Sprintf(format, args...))
	return false
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

const namespace = "openlgsp"

func main() {
	var rendered multi
	flag.Var(&rendered, "rendered", "OVERLAY=FILE: an overlay's `kustomize build` output (repeatable; overlays: local, production)")
	servicesDir := flag.String("services", "", "the repository's services/ folder")
	k8sDir := flag.String("k8s", "", "the k8s/ folder")
	chartVersion := flag.String("nats-chart-version", "", "the NATS chart version k8s/nats/kustomization.yaml must pin")
	natsConf := flag.String("nats-conf-out", "", "write the accounts part of the NATS config here, as the chart renders it, for `nats-server -t`")
	natsEnv := flag.String("nats-env-out", "", "write the NATS_PW_* variables nats.conf refers to here (placeholder values)")
	flag.Parse()

	c := &checker{}
	services := repoServices(c, *servicesDir, *k8sDir)
	natsUsers := checkNATS(c, filepath.Join(*k8sDir, "nats"), services, *chartVersion, *natsConf, *natsEnv)
	for _, r := range rendered {
		name, file, ok := strings.Cut(r, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "k8scheck: -rendered wants OVERLAY=FILE")
			os.Exit(2)
		}
		docs, err := readDocs(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "k8scheck:", err)
			os.Exit(2)
		}
		c.scope = name
		checkOverlay(c, name, docs, services, natsUsers)
	}
	fmt.Printf("k8scheck: %d passed, %d failed\n", c.passed, c.failed)
	if c.failed > 0 {
		os.Exit(1)
	}
}

// ─── (c) every service folder is deployed ────────────────────────────────────────────────

// A service is deployable once it has an application entry point (src/main.ts); a package that
// holds only its pure rules so far has nothing to run in a pod yet.
func repoServices(c *checker, servicesDir, k8sDir string) []string {
	c.scope = "services"
	code := dirsWith(servicesDir, filepath.Join("src", "main.ts"))
	manifests := dirsWith(filepath.Join(k8sDir, "base", "services"), "kustomization.yaml")
	c.check(len(code) > 0, "no service found under %s", servicesDir)
	for _, s := range code {
		c.check(contains(manifests, s), "services/%s has no k8s/base/services/%s folder (copy base/services/catalogue)", s, s)
	}
	for _, s := range manifests {
		c.check(contains(code, s), "k8s/base/services/%s has no services/%s to deploy", s, s)
	}
	base, err := os.ReadFile(filepath.Join(k8sDir, "base", "kustomization.yaml"))
	if c.check(err == nil, "read base/kustomization.yaml: %v", err) {
		var k struct {
			Resources []string `yaml:"resources"`
		}
		c.check(yaml.Unmarshal(base, &k) == nil, "base/kustomization.yaml does not parse")
		for _, s := range manifests {
			c.check(contains(k.Resources, "services/"+s), "base/kustomization.yaml does not list services/%s", s)
		}
	}
	return code
}

func dirsWith(dir, file string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), file)); e.IsDir() && err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// ─── one rendered overlay ────────────────────────────────────────────────────────────────

func checkOverlay(c *checker, overlay string, docs []obj, services, natsUsers []string) {
	production := overlay == "production"
	c.check(overlay == "local" || production, "unknown overlay %q (expected local or production)", overlay)

	byKind := map[string][]obj{}
	for _, d := range docs {
		byKind[str(d, "kind")] = append(byKind[str(d, "kind")], d)
		raw, _ := json.Marshal(d)
		c.check(!bytes.Contains(raw, []byte("__service__")) && !bytes.Contains(raw, []byte("__database__")),
			"%s %s still holds a template placeholder", str(d, "kind"), name(d))
		if str(d, "kind") != "Namespace" {
			c.check(str(d, "metadata", "namespace") == namespace, "%s %s is not in namespace %s", str(d, "kind"), name(d), namespace)
		}
	}
	find := func(kind, n string) obj {
		for _, d := range byKind[kind] {
			if name(d) == n {
				return d
			}
		}
		return nil
	}
	policies := byKind["NetworkPolicy"]

	// Default deny and DNS.
	deny := false
	dns := false
	for _, p := range policies {
		spec := m(p, "spec")
		if len(m(spec, "podSelector")) == 0 {
			types := strs(spec["policyTypes"])
			if contains(types, "Ingress") && contains(types, "Egress") && len(list(spec["ingress"])) == 0 && len(list(spec["egress"])) == 0 {
				deny = true
			}
			for _, e := range list(spec["egress"]) {
				for _, port := range list(m(e.(obj))["ports"]) {
					if fmt.Sprint(m(port.(obj))["port"]) == "53" {
						dns = true
					}
				}
			}
		}
	}
	c.check(deny, "no default-deny NetworkPolicy (empty podSelector, Ingress+Egress, no rules)")
	c.check(dns, "no NetworkPolicy allowing DNS egress for every pod")

	// Shared configuration.
	cfg := find("ConfigMap", "openlgsp-config")
	if c.check(cfg != nil, "ConfigMap openlgsp-config missing") {
		data := m(cfg, "data")
		for _, k := range []string{"NATS_URL", "OTEL_EXPORTER_OTLP_ENDPOINT", "AUTH_ISSUER", "AUTH_AUDIENCE", "LOG_LEVEL", "CORS_ORIGINS", "STREAM_REPLICAS"} {
			_, ok := data[k]
			c.check(ok, "openlgsp-config has no %s", k)
		}
		want := map[bool]string{false: "1", true: "3"}[production]
		c.check(fmt.Sprint(data["STREAM_REPLICAS"]) == want, "STREAM_REPLICAS is %v, want %s", data["STREAM_REPLICAS"], want)
	}

	// Secrets: never committed for production; dev ones complete for local.
	if production {
		c.check(len(byKind["Secret"]) == 0, "production renders %d Secret(s); credentials are created out of band", len(byKind["Secret"]))
	} else {
		nats := find("Secret", "openlgsp-nats-users")
		mongo := find("Secret", "openlgsp-mongo-passwords")
		if c.check(nats != nil, "local: Secret openlgsp-nats-users missing") {
			for _, u := range natsUsers {
				_, ok := m(nats, "data")[u]
				c.check(ok, "local: openlgsp-nats-users has no key %q (a NATS user of k8s/nats/values.yaml)", u)
			}
		}
		if c.check(mongo != nil, "local: Secret openlgsp-mongo-passwords missing") {
			for _, s := range services {
				_, ok := m(mongo, "data")[s]
				c.check(ok, "local: openlgsp-mongo-passwords has no key %q", s)
			}
		}
	}

	// The single entry point.
	ingresses := byKind["Ingress"]
	c.check(len(ingresses) == 1, "want exactly one Ingress, found %d", len(ingresses))
	routes := map[string]string{}
	for _, ing := range ingresses {
		for _, rule := range list(m(ing, "spec")["rules"]) {
			if production {
				c.check(str(rule.(obj), "host") != "", "production Ingress rule without host")
			}
			for _, p := range list(m(rule.(obj), "http")["paths"]) {
				routes[str(p.(obj), "path")] = str(p.(obj), "backend", "service", "name")
			}
		}
		if production {
			c.check(len(list(m(ing, "spec")["tls"])) > 0, "production Ingress without TLS")
		}
	}

	// Every workload.
	deployments := byKind["Deployment"]
	for _, d := range append(append([]obj{}, deployments...), byKind["StatefulSet"]...) {
		checkWorkload(c, d, policies)
	}

	// Every service, and nothing but services, as Deployments labelled component=service.
	var deployed []string
	for _, d := range deployments {
		if str(d, "metadata", "labels", "app.kubernetes.io/component") == "service" {
			deployed = append(deployed, name(d))
		}
	}
	sort.Strings(deployed)
	c.check(strings.Join(deployed, ",") == strings.Join(services, ","), "service Deployments %v, want one per services/ folder %v", deployed, services)
	for _, s := range services {
		d := find("Deployment", s)
		if !c.check(d != nil, "service %s has no Deployment", s) {
			continue
		}
		checkService(c, s, d, production, find, policies, routes, byKind)
	}
}

func checkWorkload(c *checker, d obj, policies []obj) {
	id := str(d, "kind") + " " + name(d)
	pod := m(d, "spec", "template", "spec")
	labels := m(d, "spec", "template", "metadata", "labels")
	psc := m(pod, "securityContext")
	c.check(psc["runAsNonRoot"] == true, "%s: pod securityContext.runAsNonRoot is not true", id)
	if uid, ok := psc["runAsUser"]; ok {
		c.check(fmt.Sprint(uid) != "0", "%s: runs as uid 0", id)
	}
	c.check(pod["automountServiceAccountToken"] == false, "%s: automountServiceAccountToken is not false", id)
	c.check(len(list(pod["topologySpreadConstraints"])) > 0, "%s: no topologySpreadConstraints", id)
	tmpVolumes := map[string]bool{}
	for _, v := range list(pod["volumes"]) {
		if _, ok := v.(obj)["emptyDir"]; ok {
			tmpVolumes[str(v.(obj), "name")] = true
		}
	}
	containers := list(pod["containers"])
	c.check(len(containers) > 0, "%s: no containers", id)
	for _, x := range append(containers, list(pod["initContainers"])...) {
		ct := x.(obj)
		cid := id + " container " + str(ct, "name")
		sc := m(ct, "securityContext")
		c.check(sc["readOnlyRootFilesystem"] == true, "%s: readOnlyRootFilesystem is not true", cid)
		c.check(sc["allowPrivilegeEscalation"] == false, "%s: allowPrivilegeEscalation is not false", cid)
		c.check(sc["privileged"] != true, "%s: privileged", cid)
		c.check(contains(strs(m(sc, "capabilities")["drop"]), "ALL"), "%s: capabilities do not drop ALL", cid)
		c.check(len(list(m(sc, "capabilities")["add"])) == 0, "%s: adds capabilities", cid)
		c.check(sc["runAsNonRoot"] == true || psc["runAsNonRoot"] == true, "%s: may run as root", cid)
		c.check(str(sc, "seccompProfile", "type") == "RuntimeDefault" || str(psc, "seccompProfile", "type") == "RuntimeDefault",
			"%s: seccompProfile is not RuntimeDefault", cid)
		for _, r := range []string{"requests", "limits"} {
			for _, k := range []string{"cpu", "memory"} {
				_, ok := m(ct, "resources", r)[k]
				c.check(ok, "%s: no resources.%s.%s", cid, r, k)
			}
		}
		for _, p := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
			c.check(len(m(ct, p)) > 0, "%s: no %s", cid, p)
		}
		image := str(ct, "image")
		tag := ""
		if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
			tag = image[i+1:]
		}
		c.check(tag != "" && tag != "latest" || strings.Contains(image, "@sha256:"), "%s: image %q has no pinned tag", cid, image)
		tmp := false
		for _, vm := range list(ct["volumeMounts"]) {
			if str(vm.(obj), "mountPath") == "/tmp" && tmpVolumes[str(vm.(obj), "name")] {
				tmp = true
			}
		}
		c.check(tmp, "%s: no emptyDir mounted at /tmp (read-only root filesystem)", cid)
	}
	own := false
	for _, p := range policies {
		sel := m(p, "spec", "podSelector", "matchLabels")
		if len(sel) > 0 && subset(sel, labels) {
			own = true
		}
	}
	c.check(own, "%s: no NetworkPolicy selects its pods (beyond the default deny)", id)
}

func checkService(c *checker, s string, d obj, production bool, find func(kind, n string) obj, policies []obj, routes map[string]string, byKind map[string][]obj) {
	id := "service " + s
	labels := m(d, "spec", "template", "metadata", "labels")
	replicas := num(m(d, "spec")["replicas"])
	if production {
		c.check(replicas >= 2, "%s: production replicas %v, want >= 2", id, replicas)
	} else {
		c.check(replicas == 1, "%s: local replicas %v, want 1", id, replicas)
	}
	var app obj
	for _, x := range list(m(d, "spec", "template", "spec")["containers"]) {
		if str(x.(obj), "name") == "app" {
			app = x.(obj)
		}
	}
	if !c.check(app != nil, "%s: no container named app", id) {
		return
	}
	image := str(app, "image")
	c.check(strings.HasSuffix(strings.Split(image, ":")[0], "/"+s), "%s: image %q is not the %s image", id, image, s)
	if production {
		c.check(!strings.HasSuffix(image, ":dev"), "%s: production image %q carries the dev tag", id, image)
	}
	probes := map[string]string{"livenessProbe": "/health/live", "startupProbe": "/health/live", "readinessProbe": "/health/ready"}
	for p, suffix := range probes {
		c.check(str(app, p, "httpGet", "path") == "/"+s+suffix, "%s: %s path %q, want %q", id, p, str(app, p, "httpGet", "path"), "/"+s+suffix)
		c.check(fmt.Sprint(m(app, p, "httpGet")["port"]) == "http", "%s: %s not on the http port", id, p)
	}
	port := ""
	for _, p := range list(app["ports"]) {
		if str(p.(obj), "name") == "http" {
			port = fmt.Sprint(p.(obj)["containerPort"])
		}
	}
	env := map[string]obj{}
	for _, e := range list(app["env"]) {
		env[str(e.(obj), "name")] = e.(obj)
	}
	c.check(port != "" && fmt.Sprint(env["PORT"]["value"]) == port, "%s: PORT env does not match the http containerPort", id)
	c.check(str(env["OTEL_SERVICE_NAME"], "value") == s, "%s: OTEL_SERVICE_NAME is not %s", id, s)
	mongoSecret := str(env["MONGO_URL"], "valueFrom", "secretKeyRef", "name")
	c.check(mongoSecret != "", "%s: MONGO_URL is not read from a Secret", id)
	_, jwks := env["AUTH_JWKS_URL"]
	keyFile := str(env["AUTH_PUBLIC_KEY_FILE"], "value")
	c.check(jwks || keyFile != "", "%s: neither AUTH_JWKS_URL nor AUTH_PUBLIC_KEY_FILE is set", id)
	if keyFile != "" {
		mounted := false
		for _, vm := range list(app["volumeMounts"]) {
			mp := str(vm.(obj), "mountPath")
			if strings.HasPrefix(keyFile, strings.TrimSuffix(mp, "/")+"/") {
				for _, v := range list(m(d, "spec", "template", "spec")["volumes"]) {
					if str(v.(obj), "name") == str(vm.(obj), "name") && str(v.(obj), "secret", "secretName") != "" {
						mounted = true
					}
				}
			}
		}
		c.check(mounted, "%s: AUTH_PUBLIC_KEY_FILE %s is not on a mounted Secret", id, keyFile)
	}
	fromConfig := false
	for _, ef := range list(app["envFrom"]) {
		if str(ef.(obj), "configMapRef", "name") == "openlgsp-config" {
			fromConfig = true
		}
	}
	c.check(fromConfig, "%s: does not read the openlgsp-config ConfigMap", id)

	svc := find("Service", s)
	if c.check(svc != nil, "%s: no Service", id) {
		c.check(subset(m(svc, "spec", "selector"), labels) && len(m(svc, "spec", "selector")) > 0, "%s: Service selector does not match its pods", id)
		ok := false
		for _, p := range list(m(svc, "spec")["ports"]) {
			tp := fmt.Sprint(p.(obj)["targetPort"])
			ok = ok || tp == "http" || tp == port
		}
		c.check(ok, "%s: Service does not target the http port", id)
	}
	hpa := find("HorizontalPodAutoscaler", s)
	if c.check(hpa != nil, "%s: no HorizontalPodAutoscaler", id) {
		c.check(str(hpa, "apiVersion") == "autoscaling/v2", "%s: HPA is not autoscaling/v2", id)
		c.check(str(hpa, "spec", "scaleTargetRef", "kind") == "Deployment" && str(hpa, "spec", "scaleTargetRef", "name") == s, "%s: HPA does not scale its Deployment", id)
		cpu := false
		for _, mt := range list(m(hpa, "spec")["metrics"]) {
			cpu = cpu || str(mt.(obj), "resource", "name") == "cpu"
		}
		c.check(cpu, "%s: HPA does not scale on CPU", id)
		c.check(num(m(hpa, "spec")["minReplicas"]) >= replicas || !production, "%s: HPA minReplicas below the Deployment's replicas", id)
	}
	pdb := find("PodDisruptionBudget", s)
	if c.check(pdb != nil, "%s: no PodDisruptionBudget", id) {
		c.check(fmt.Sprint(m(pdb, "spec")["minAvailable"]) == "1", "%s: PDB minAvailable is not 1", id)
		c.check(subset(m(pdb, "spec", "selector", "matchLabels"), labels), "%s: PDB selector does not match its pods", id)
	}
	var np obj
	for _, p := range policies {
		sel := m(p, "spec", "podSelector", "matchLabels")
		// The service's own policy (named as it); others may add to it (the operator console's).
		if len(sel) > 0 && subset(sel, labels) && (np == nil || str(m(p, "metadata"), "name") == s) {
			np = p
		}
	}
	if c.check(np != nil, "%s: no NetworkPolicy", id) {
		spec := m(np, "spec")
		types := strs(spec["policyTypes"])
		c.check(contains(types, "Ingress") && contains(types, "Egress"), "%s: NetworkPolicy does not govern both directions", id)
		fromIngress := false
		for _, r := range list(spec["ingress"]) {
			for _, f := range list(r.(obj)["from"]) {
				if str(f.(obj), "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") != "" {
					fromIngress = true
				}
			}
			c.check(len(list(r.(obj)["from"])) > 0, "%s: NetworkPolicy admits any source", id)
		}
		c.check(fromIngress, "%s: NetworkPolicy does not admit the ingress controller", id)
		egressPorts := map[string]bool{}
		for _, r := range list(spec["egress"]) {
			c.check(len(list(r.(obj)["to"])) > 0, "%s: NetworkPolicy lets traffic out to anywhere", id)
			for _, p := range list(r.(obj)["ports"]) {
				egressPorts[fmt.Sprint(p.(obj)["port"])] = true
			}
		}
		for _, p := range []string{"4222", "27017", "4317", "4318"} {
			c.check(egressPorts[p], "%s: NetworkPolicy does not allow egress to port %s", id, p)
		}
	}
	c.check(routes["/"+s+"/"] == s, "%s: the Ingress does not route /%s/ to Service %s", id, s, s)
	db := find("MongoDBCommunity", s+"-mongo")
	if c.check(db != nil, "%s: no MongoDBCommunity %s-mongo", id, s) {
		members := num(m(db, "spec")["members"])
		if production {
			c.check(members >= 3, "%s: production MongoDB replica set has %v members, want 3", id, members)
		}
		userOK := false
		for _, u := range list(m(db, "spec")["users"]) {
			uo := u.(obj)
			if str(uo, "connectionStringSecretName") == mongoSecret && str(uo, "passwordSecretRef", "name") != "" {
				for _, r := range list(uo["roles"]) {
					if str(r.(obj), "db") == str(uo, "db") && str(r.(obj), "name") == "readWrite" {
						userOK = true
					}
				}
			}
		}
		c.check(userOK, "%s: MongoDBCommunity has no user writing %s with readWrite on its own database", id, mongoSecret)
	}
}

// ─── NATS chart values ───────────────────────────────────────────────────────────────────

var pwRef = regexp.MustCompile(`^<< \$([A-Z0-9_]+) >>$`)

func checkNATS(c *checker, dir string, services []string, chartVersion, confOut, envOut string) []string {
	c.scope = "nats"
	var kust struct {
		HelmCharts []struct {
			Name        string `yaml:"name"`
			Repo        string `yaml:"repo"`
			Version     string `yaml:"version"`
			ReleaseName string `yaml:"releaseName"`
			ValuesFile  string `yaml:"valuesFile"`
		} `yaml:"helmCharts"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if !c.check(err == nil && yaml.Unmarshal(raw, &kust) == nil && len(kust.HelmCharts) == 1, "nats/kustomization.yaml: want one helmCharts entry") {
		return nil
	}
	hc := kust.HelmCharts[0]
	c.check(hc.Name == "nats" && hc.Repo == "https://nats-io.github.io/k8s/helm/charts/", "chart is not the official nats chart")
	c.check(hc.Version == chartVersion, "chart version %q, pinned %q", hc.Version, chartVersion)
	c.check(hc.ReleaseName == "nats", "release name %q, the services' NATS_URL expects nats", hc.ReleaseName)

	var values obj
	raw, err = os.ReadFile(filepath.Join(dir, hc.ValuesFile))
	if !c.check(err == nil && yaml.Unmarshal(raw, &values) == nil, "nats/%s does not parse: %v", hc.ValuesFile, err) {
		return nil
	}
	values = jsonRoundTrip(values).(obj)
	cfg := m(values, "config")
	c.check(m(cfg, "cluster")["enabled"] == true && num(m(cfg, "cluster")["replicas"]) == 3, "not a 3-node cluster")
	c.check(m(cfg, "jetstream")["enabled"] == true, "JetStream is off")
	c.check(m(cfg, "jetstream", "fileStore")["enabled"] == true && m(cfg, "jetstream", "fileStore", "pvc")["enabled"] == true, "JetStream file storage on a PVC is off")

	env := m(values, "container", "env")
	merge := m(cfg, "merge")
	accounts := m(merge, "accounts")
	c.check(str(merge, "system_account") != "" && accounts[str(merge, "system_account")] != nil, "no system account")
	lgsp := m(accounts, "LGSP")
	c.check(fmt.Sprint(lgsp["jetstream"]) == "enabled", "account LGSP has no JetStream")
	var users []string
	vars := map[string]bool{}
	for acct, a := range accounts {
		for _, u := range list(a.(obj)["users"]) {
			uo := u.(obj)
			user := str(uo, "user")
			users = append(users, user)
			pw := pwRef.FindStringSubmatch(str(uo, "password"))
			if c.check(pw != nil, "user %s: password is not a << $NATS_PW_... >> reference to the environment", user) {
				vars[pw[1]] = true
				ref := m(env, pw[1], "valueFrom", "secretKeyRef")
				c.check(str(ref, "name") == "openlgsp-nats-users" && str(ref, "key") == user,
					"user %s: container.env.%s does not read key %q of Secret openlgsp-nats-users", user, pw[1], user)
			}
			pub := strs(m(uo, "permissions", "publish")["allow"])
			sub := strs(m(uo, "permissions", "subscribe")["allow"])
			_, hasDenyPub := m(uo, "permissions", "publish")["deny"]
			switch {
			case strings.HasPrefix(acct, "AGENCY_"):
				// One account per agency (deploy/nats/accounts.mjs): it publishes only below its own
				// intake subject and reads only its own rejections.
				code := strings.TrimPrefix(acct, "AGENCY_")
				c.check(user == "agency-"+code, "account %s holds user %s, want only agency-%s", acct, user, code)
				c.check(len(pub) == 1 && pub[0] == "lgsp.intake."+code+".>", "agency user %s may publish %v, want only lgsp.intake.%s.>", user, pub, code)
				for _, s := range sub {
					c.check(s == "lgsp.rejected."+code || s == "_INBOX.>", "agency user %s may subscribe to %s", user, s)
				}
				for _, im := range list(a.(obj)["imports"]) {
					subject := str(m(im.(obj), "service"), "subject") + str(m(im.(obj), "stream"), "subject")
					c.check(subject == "lgsp.intake."+code+".>" || subject == "lgsp.rejected."+code,
						"account %s imports %s (not its own intake or rejections)", acct, subject)
				}
			case acct == "PUBLIC" && (user == "public" || strings.HasPrefix(user, "app-")):
				// The shared public user and each external app's own user: reads of OPENDATA only.
				c.check(len(pub) > 0 && !hasDenyPub, "public user: publish permissions missing")
				for _, p := range pub {
					c.check(p == "$JS.API.INFO" || strings.HasPrefix(p, "$JS.ACK.OPENDATA.") ||
						(strings.HasPrefix(p, "$JS.API.") && strings.Contains(p, ".OPENDATA") && !strings.Contains(p, "STREAM.CREATE") &&
							!strings.Contains(p, "STREAM.UPDATE") && !strings.Contains(p, "STREAM.DELETE") && !strings.Contains(p, "STREAM.PURGE") &&
							!strings.Contains(p, "MSG.DELETE")),
						"public user may publish %s (only reads of OPENDATA are allowed)", p)
				}
				for _, s := range sub {
					c.check(s == "_INBOX.>" && user == "public" || s == "_INBOX_"+strings.TrimPrefix(user, "app-")+".>",
						"%s user may subscribe to %s", user, s)
				}
			case acct != "LGSP":
			case user == "console":
				// The operator console's replays: a dead letter published again on its original
				// subject (a context's facts or an agency's intake), and no other right.
				for _, p := range pub {
					c.check(regexp.MustCompile(`^lgsp\.[a-z]+\.>$`).MatchString(p), "console user may publish %s", p)
				}
				for _, s := range sub {
					c.check(s == "_INBOX_console.>", "console user may subscribe to %s", s)
				}
			default:
				c.check(contains(services, user) || user == "lgsp-test-fixtures", "LGSP user %s is not a service", user)
				c.check(user != "lgsp-test-fixtures", "the test harness's fixtures user is in the k8s values")
				c.check(len(pub) > 0 && len(sub) > 0, "service user %s has no explicit permissions", user)
				for _, p := range pub {
					if strings.HasPrefix(p, "lgsp.") {
						c.check(strings.HasPrefix(p, "lgsp."+user+".") || p == "lgsp.rejected.*" || p == "lgsp.dlq."+user ||
							p == "lgsp.audit.access."+user || strings.HasPrefix(p, "lgsp.intake.*."+user+"."),
							"service user %s may publish %s (outside its own context)", user, p)
					}
				}
			}
		}
	}
	sort.Strings(users)
	for _, s := range services {
		c.check(contains(users, s), "service %s has no NATS user in account LGSP", s)
	}
	c.check(contains(users, "public"), "no public user")

	// The accounts part of nats.conf, rendered as the chart does (JSON; << >> unquoted).
	if confOut != "" {
		conf := obj{"port": 4222, "server_name": "validate", "jetstream": obj{"store_dir": filepath.Join(filepath.Dir(confOut), "js")}}
		for k, v := range merge {
			conf[k] = v
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(conf)
		b := regexp.MustCompile(`"<< (.*?) >>"`).ReplaceAll(buf.Bytes(), []byte("$1"))
		c.check(os.WriteFile(confOut, b, 0o644) == nil, "write %s", confOut)
	}
	if envOut != "" {
		var lines []string
		for v := range vars {
			lines = append(lines, v+"=validate-only")
		}
		sort.Strings(lines)
		c.check(os.WriteFile(envOut, []byte(strings.Join(lines, "\n")+"\n"), 0o644) == nil, "write %s", envOut)
	}
	return users
}

// ─── helpers ─────────────────────────────────────────────────────────────────────────────

func readDocs(file string) ([]obj, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var docs []obj
	for {
		var d obj
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if d != nil {
			docs = append(docs, jsonRoundTrip(d).(obj))
		}
	}
}

func jsonRoundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func m(v any, path ...string) obj {
	cur, _ := v.(obj)
	for _, p := range path {
		cur, _ = cur[p].(obj)
	}
	if cur == nil {
		return obj{}
	}
	return cur
}

func str(v any, path ...string) string {
	if len(path) == 0 {
		return ""
	}
	s, _ := m(v, path[:len(path)-1]...)[path[len(path)-1]].(string)
	return s
}

func name(d obj) string { return str(d, "metadata", "name") }

func list(v any) []any { l, _ := v.([]any); return l }

func strs(v any) []string {
	var out []string
	for _, x := range list(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func num(v any) float64 { f, _ := v.(float64); return f }

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func subset(sel, labels obj) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}
