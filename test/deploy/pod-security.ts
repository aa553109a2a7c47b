/**
 * The Pod Security Standards' "restricted" profile (which includes "baseline"), as documented at
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/, checked on a workload's pod spec.
 * Returns one line per violation, naming the container and field, as the admission controller would.
 */

type Obj = Record<string, any>;

const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SAFE_SYSCTLS = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The pod template of a workload object, or the spec of a Pod; null for objects without pods. */
export function podSpecOf(obj: Obj): { spec: Obj; annotations: Obj } | null {
  if (obj.kind === 'Pod') return { spec: obj.spec, annotations: obj.metadata?.annotations ?? {} };
  if (['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet', 'Job'].includes(obj.kind)) {
    return { spec: obj.spec.template.spec, annotations: obj.spec.template.metadata?.annotations ?? {} };
  }
  if (obj.kind === 'CronJob') return { spec: obj.spec.jobTemplate.spec.template.spec, annotations: {} };
  return null;
}

export function restrictedViolations(obj: Obj): string[] {
  const pod = podSpecOf(obj);
  if (pod === null) return [];
  const { spec, annotations } = pod;
  const out: string[] = [];
  const psc: Obj = spec.securityContext ?? {};
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];

  // baseline
  if (spec.hostNetwork === true) out.push('host namespaces: hostNetwork=true');
  if (spec.hostPID === true) out.push('host namespaces: hostPID=true');
  if (spec.hostIPC === true) out.push('host namespaces: hostIPC=true');
  if (psc.windowsOptions?.hostProcess === true) out.push('hostProcess: pod');
  for (const v of spec.volumes ?? []) {
    if ('hostPath' in v) out.push(`hostPath volumes: ${v.name}`);
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type !== undefined && !RESTRICTED_VOLUMES.has(type)) out.push(`restricted volume types: ${v.name} is ${type}`);
  }
  for (const [k, val] of Object.entries(annotations)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !(val === 'runtime/default' || String(val).startsWith('localhost/'))) out.push(`AppArmor: ${k}=${String(val)}`);
  }
  const checkSeLinux = (sc: Obj, who: string) => {
    const o = sc.seLinuxOptions;
    if (o === undefined) return;
    if (!SELINUX_TYPES.has(o.type ?? '')) out.push(`SELinux: ${who} type ${o.type}`);
    if (o.user !== undefined || o.role !== undefined) out.push(`SELinux: ${who} sets user or role`);
  };
  checkSeLinux(psc, 'pod');
  for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`sysctls: ${s.name}`);
  if (psc.appArmorProfile?.type === 'Unconfined') out.push('AppArmor: pod Unconfined');

  // restricted, pod level
  if (psc.runAsNonRoot === false) out.push('runAsNonRoot: pod sets false');
  if (psc.runAsUser === 0) out.push('runAsUser: pod runs as 0');
  const podSeccomp = psc.seccompProfile?.type;
  if (podSeccomp === 'Unconfined') out.push('seccomp: pod Unconfined');

  for (const c of containers) {
    const sc: Obj = c.securityContext ?? {};
    const who = `container ${c.name}`;
    if (sc.privileged === true) out.push(`privileged: ${who}`);
    if (sc.windowsOptions?.hostProcess === true) out.push(`hostProcess: ${who}`);
    for (const p of c.ports ?? []) if (p.hostPort !== undefined && p.hostPort !== 0) out.push(`host ports: ${who} hostPort ${p.hostPort}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`/proc mount: ${who}`);
    checkSeLinux(sc, who);
    if (sc.appArmorProfile?.type === 'Unconfined') out.push(`AppArmor: ${who} Unconfined`);
    const add: string[] = sc.capabilities?.add ?? [];
    for (const cap of add) if (!BASELINE_CAPS.has(cap)) out.push(`capabilities: ${who} adds ${cap}`);
    // restricted
    if (sc.allowPrivilegeEscalation !== false) out.push(`privilege escalation: ${who} does not set allowPrivilegeEscalation=false`);
    const nonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
    if (nonRoot !== true) out.push(`running as non-root: ${who} (runAsNonRoot not true on pod or container)`);
    if (sc.runAsUser === 0) out.push(`running as non-root user: ${who} runs as 0`);
    const seccomp = sc.seccompProfile?.type ?? podSeccomp;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`seccomp: ${who} has no RuntimeDefault or Localhost profile`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) out.push(`capabilities: ${who} does not drop ALL`);
    for (const cap of add) if (cap !== 'NET_BIND_SERVICE') out.push(`capabilities: ${who} adds ${cap} (restricted allows only NET_BIND_SERVICE)`);
  }
  return out;
}
