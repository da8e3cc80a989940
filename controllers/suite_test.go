package controllers_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/artifactory-token-operator/artifactory-token-operator/api/v1alpha1"
	"github.com/artifactory-token-operator/artifactory-token-operator/controllers"
	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// The suite shares one control plane, one Artifactory emulator and one
// manager; every test works in a namespace of its own.
var (
	k8s     client.Client
	mgrLogs = &syncBuffer{}
	emu     *emulator.Server
	emuURL  string
	cfg     *rest.Config
	scheme  = runtime.NewScheme()
	// mgrCache reads through the manager's own cache, to prove what it holds.
	mgrCache client.Reader
	// stopManager stops the running manager.
	stopManager func()
)

const (
	// clusterResourceNamespace holds ClusterArtifactory credentials.
	clusterResourceNamespace = "artifactory-token-operator-system"

	adminUser     = "admin"
	adminPassword = "admin-password"
	ciUser        = "ci"
	ciPassword    = "ci-password"
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		fmt.Fprintln(os.Stderr, "KUBEBUILDER_ASSETS is not set: run `make test`, "+
			"or export KUBEBUILDER_ASSETS=$(hack/envtest-assets.sh)")
		return 1
	}
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(v1alpha1.AddToScheme(scheme))

	stop, err := startSuite()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the suite:", err)
		stop()
		return 1
	}

	code := m.Run()
	if code == 0 {
		code = checkNoSecretsShown()
	}
	stop()

	if os.Getenv("SHOW_MANAGER_LOG") != "" {
		fmt.Fprint(os.Stderr, mgrLogs.String())
	}
	return code
}

// checkNoSecretsShown fails the run when any secret value showed anywhere.
func checkNoSecretsShown() int {
	problems, err := secretsShown()
	if err != nil {
		fmt.Fprintln(os.Stderr, "--- FAIL: secret leak check:", err)
		return 1
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "--- FAIL: secret leak check:", p)
	}
	if len(problems) > 0 {
		return 1
	}
	fmt.Fprintf(os.Stderr, "secret leak check: no issued token, refresh token or password "+
		"in the manager log, events or statuses (%d values searched)\n", len(emu.IssuedSecrets())+2)
	return 0
}

// startSuite starts the control plane, the emulator and the manager; stop
// undoes whatever was started.
func startSuite() (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}

	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join("..", "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err = env.Start()
	if err != nil {
		return stop, fmt.Errorf("starting envtest: %w", err)
	}
	stops = append(stops, func() { _ = env.Stop() })

	k8s, err = client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return stop, fmt.Errorf("creating client: %w", err)
	}
	crn := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: clusterResourceNamespace}}
	if err := k8s.Create(context.Background(), crn); err != nil {
		return stop, fmt.Errorf("creating the cluster resource namespace: %w", err)
	}

	emu, err = emulator.New(emulator.Config{Users: []emulator.User{
		{Name: adminUser, Password: adminPassword, Admin: true, Groups: []string{"readers", "admins"}},
		{Name: ciUser, Password: ciPassword, Groups: []string{"readers"}},
	}, BlockAfterFailures: -1, AccessBasicAuth: true})
	if err != nil {
		return stop, fmt.Errorf("creating emulator: %w", err)
	}
	if emuURL, err = emu.Start(); err != nil {
		return stop, fmt.Errorf("starting emulator: %w", err)
	}
	stops = append(stops, func() { _ = emu.Close() })

	if stopManager, err = startManager(); err != nil {
		return stop, err
	}
	stops = append(stops, func() { stopManager() })
	return stop, nil
}

// startManager runs the manager as cmd/manager does, its log captured.
func startManager() (func(), error) {
	logger := zap.New(zap.WriteTo(mgrLogs), zap.Level(zapcore.Level(-1)))
	ctrl.SetLogger(logger)

	opts := ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  controllers.CacheOptions(),
		Logger:                 logger,
		// A restarted manager registers the same controller names again.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	}
	mgr, err := ctrl.NewManager(cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("creating manager: %w", err)
	}
	err = controllers.Setup(mgr, clock.RealClock{}, controllers.Options{
		ClusterResourceNamespace: clusterResourceNamespace,
		Timeout:                  5 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	mgrCache = mgr.GetCache()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		cancel()
		return nil, fmt.Errorf("manager cache did not sync: %w", <-done)
	}
	return func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Fprintln(os.Stderr, "the manager stopped with an error:", err)
		}
	}, nil
}

// restartManager stops the manager and starts a new one, as a crash and a
// restart of the operator's pod would.
func restartManager(t *testing.T) {
	t.Helper()
	stopManager()
	var err error
	if stopManager, err = startManager(); err != nil {
		t.Fatalf("restarting the manager: %v", err)
	}
}

// syncBuffer is a buffer the manager's log goroutines can share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually polls cond until it holds or the timeout passes; cond says
// what it saw, for the failure message.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var seen string
	for {
		var ok bool
		ok, seen = cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v; last seen: %s", what, timeout, seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newNamespace makes a namespace for one test.
func newNamespace(t *testing.T) string {
	t.Helper()
	name := strings.ToLower(strings.ReplaceAll(t.Name(), "_", "-"))
	name = strings.ReplaceAll(strings.ReplaceAll(name, "/", "-"), ".", "-")
	if len(name) > 50 {
		name = name[:50]
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: strings.Trim(name, "-") + "-"}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatalf("creating namespace: %v", err)
	}
	return ns.Name
}
