package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/artifactory-token-operator/artifactory-token-operator/internal/artifactory/emulator"
)

// options are the command line settings.
type options struct {
	listen      string
	users       []emulator.User // the admin first
	serviceID   string
	version     string
	maxLifetime time.Duration
	latency     time.Duration
	tlsCert     string
	tlsKey      string
	access      accessOptions
}

// accessOptions are the settings of the Access Tokens API; see the
// emulator.Config fields of the same names.
type accessOptions struct {
	disable             bool
	basicAuth           bool
	defaultExpiry       time.Duration
	maxExpiry           time.Duration
	nonAdminMaxExpiry   time.Duration
	revocableThreshold  time.Duration
	persistentThreshold time.Duration
}

// config turns the options into the emulator's Config fields.
func (ao accessOptions) config(cfg *emulator.Config) {
	cfg.DisableAccessAPI = ao.disable
	cfg.AccessBasicAuth = ao.basicAuth
	cfg.DefaultExpiry = ao.defaultExpiry
	cfg.MaxExpiry = ao.maxExpiry
	cfg.NonAdminMaxExpiry = ao.nonAdminMaxExpiry
	cfg.RevocableExpiryThreshold = ao.revocableThreshold
	cfg.PersistentExpiryThreshold = ao.persistentThreshold
}

// userFlags collects repeated --user values.
type userFlags []emulator.User

func (u *userFlags) String() string {
	names := make([]string, len(*u))
	for i, user := range *u {
		names[i] = user.Name
	}
	return strings.Join(names, ",")
}

func (u *userFlags) Set(v string) error {
	user, err := parseUser(v)
	if err != nil {
		return err
	}
	*u = append(*u, user)
	return nil
}

func parseFlags(args []string, output io.Writer) (options, error) {
	var opts options
	var admin string
	var users userFlags
	fs := flag.NewFlagSet("artifactory-emulator", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&opts.listen, "listen", "127.0.0.1:18081", "address to listen on")
	fs.StringVar(&admin, "admin", "admin:password", "the admin user, as name:password")
	fs.Var(&users, "user", "a non-admin user, as name:password[:group1,group2]; repeatable")
	fs.StringVar(&opts.serviceID, "service-id", "", "service id without jfrt@ (default random)")
	fs.StringVar(&opts.version, "version", "7.90.0", "Artifactory version to report")
	fs.DurationVar(&opts.maxLifetime, "max-lifetime", 0, "cap on token lifetimes (0 = none)")
	fs.DurationVar(&opts.latency, "latency", 0, "delay before every answer")
	fs.StringVar(&opts.tlsCert, "tls-cert", "", "PEM certificate file; serves HTTPS with --tls-key")
	fs.StringVar(&opts.tlsKey, "tls-key", "", "PEM private key file for --tls-cert")
	accessFlags(fs, &opts.access)
	if err := fs.Parse(args); err != nil {
		return options{}, fmt.Errorf("parse flags: %w", err)
	}

	adminUser, err := parseAdmin(admin)
	if err != nil {
		return options{}, err
	}
	opts.users = append([]emulator.User{adminUser}, users...)
	if err := checkOptions(opts, fs.NArg()); err != nil {
		return options{}, err
	}
	return opts, nil
}

// accessFlags binds the Access Tokens API's flags; their defaults are the
// emulator's (and Artifactory's).
func accessFlags(fs *flag.FlagSet, ao *accessOptions) {
	fs.BoolVar(&ao.disable, "disable-access-api", false,
		"serve no /access/api/v1/tokens, as before 7.21.1 (older --version values imply it)")
	fs.BoolVar(&ao.basicAuth, "access-basic-auth", false,
		"let the Access API take Basic credentials (from version 7.63.2)")
	fs.DurationVar(&ao.defaultExpiry, "default-expiry", 365*24*time.Hour,
		"lifetime of Access tokens created without expires_in")
	fs.DurationVar(&ao.maxExpiry, "max-expiry", 0,
		"longest Access token lifetime anyone may ask for (0 = no limit)")
	fs.DurationVar(&ao.nonAdminMaxExpiry, "non-admin-max-expiry", time.Hour,
		"longest Access token lifetime a non-admin may ask for (negative = no limit)")
	fs.DurationVar(&ao.revocableThreshold, "revocable-expiry-threshold", 6*time.Hour,
		"shortest revocable Access token lifetime (negative = none revocable)")
	fs.DurationVar(&ao.persistentThreshold, "persistent-expiry-threshold", 3*time.Hour,
		"shortest lifetime of Access tokens stored for listing (negative = all)")
}

func checkOptions(opts options, extraArgs int) error {
	switch {
	case extraArgs > 0:
		return errors.New("unexpected arguments after the flags")
	case (opts.tlsCert == "") != (opts.tlsKey == ""):
		return errors.New("--tls-cert and --tls-key go together")
	case opts.maxLifetime < 0 || opts.latency < 0:
		return errors.New("--max-lifetime and --latency cannot be negative")
	case opts.access.defaultExpiry <= 0:
		return errors.New("--default-expiry must be positive")
	case opts.access.maxExpiry < 0:
		return errors.New("--max-expiry cannot be negative")
	}
	return nil
}

// parseAdmin reads name:password; the password may contain colons.
func parseAdmin(v string) (emulator.User, error) {
	name, password, ok := strings.Cut(v, ":")
	if !ok || name == "" || password == "" {
		return emulator.User{}, errors.New("--admin wants name:password")
	}
	return emulator.User{Name: name, Password: password, Admin: true}, nil
}

// parseUser reads name:password[:group1,group2].
func parseUser(v string) (emulator.User, error) {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return emulator.User{}, errors.New("--user wants name:password[:group1,group2]")
	}
	user := emulator.User{Name: parts[0], Password: parts[1]}
	if len(parts) == 3 && parts[2] != "" {
		user.Groups = strings.Split(parts[2], ",")
	}
	return user, nil
}
