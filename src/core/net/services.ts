/**
 * Service names iptables resolves with getservbyname(3) when a rule is added (`--dport http`): the netbase
 * /etc/services table (Debian 12), as "name[,alias…] port protocols" with t = tcp, u = udp, s = sctp, d = dccp.
 * iptables-save prints the number; a name from another protocol's table is refused ("invalid port/service").
 */
const TABLE =
  'tcpmux 1 t;echo 7 tu;discard,sink,null 9 tu;systat,users 11 t;daytime 13 tu;netstat 15 t;qotd,quote 17 t;' +
  'chargen,ttytst,source 19 tu;ftp-data 20 t;ftp 21 t;fsp,fspd 21 u;ssh 22 t;telnet 23 t;smtp,mail 25 t;' +
  'time,timserver 37 tu;whois,nicname 43 t;tacacs 49 tu;domain 53 tu;bootps 67 u;bootpc 68 u;tftp 69 u;' +
  'gopher 70 t;finger 79 t;http,www 80 t;kerberos,kerberos5,krb5,kerberos-sec 88 tu;iso-tsap,tsap 102 t;' +
  'acr-nema,dicom 104 t;pop3,pop-3 110 t;sunrpc,portmapper 111 tu;auth,authentication,tap,ident 113 t;' +
  'nntp,readnews,untp 119 t;ntp 123 u;epmap,loc-srv 135 t;netbios-ns 137 u;netbios-dgm 138 u;netbios-ssn 139 t;' +
  'imap2,imap 143 t;snmp 161 tu;snmp-trap,snmptrap 162 tu;cmip-man 163 tu;cmip-agent 164 tu;mailq 174 t;' +
  'xdmcp 177 u;bgp 179 t;smux 199 t;qmtp 209 t;z3950,wais 210 t;ipx 213 u;ptp-event 319 u;ptp-general 320 u;' +
  'pawserv 345 t;zserv 346 t;rpc2portmap 369 tu;codaauth2 370 tu;clearcase,Clearcase 371 u;ldap 389 tu;' +
  'svrloc 427 tu;https 443 tu;snpp 444 t;microsoft-ds 445 t;kpasswd 464 tu;submissions,ssmtp,smtps,urd 465 t;' +
  'saft 487 t;isakmp 500 u;rtsp 554 tu;nqs 607 t;asf-rmcp 623 u;qmqp 628 t;ipp 631 t;ldp 646 tu;exec 512 t;' +
  'biff,comsat 512 u;login 513 t;who,whod 513 u;shell,cmd,syslog 514 t;syslog 514 u;printer,spooler 515 t;' +
  'talk 517 u;ntalk 518 u;route,router,routed 520 u;gdomap 538 tu;uucp,uucpd 540 t;klogin 543 t;' +
  'kshell,krcmd 544 t;dhcpv6-client 546 u;dhcpv6-server 547 u;afpovertcp 548 t;nntps,snntp 563 t;' +
  'submission 587 t;ldaps 636 tu;tinc 655 tu;silc 706 t;kerberos-adm 749 t;domain-s 853 tu;rsync 873 t;' +
  'ftps-data 989 t;ftps 990 t;telnets 992 t;imaps 993 t;pop3s 995 t;socks 1080 t;proofd 1093 t;rootd 1094 t;' +
  'openvpn 1194 tu;rmiregistry 1099 t;lotusnote,lotusnotes 1352 t;ms-sql-s 1433 t;ms-sql-m 1434 u;' +
  'ingreslock 1524 t;datametrics,old-radius 1645 tu;sa-msg-port,old-radacct 1646 tu;kermit 1649 t;' +
  'groupwise 1677 t;l2f,l2tp 1701 u;radius 1812 tu;radius-acct,radacct 1813 tu;cisco-sccp 2000 t;nfs 2049 tu;' +
  'gnunet 2086 tu;rtcm-sc104 2101 tu;gsigatekeeper 2119 t;gris 2135 t;cvspserver 2401 t;venus 2430 tu;' +
  'venus-se 2431 tu;codasrv 2432 tu;codasrv-se 2433 tu;mon 2583 tu;dict 2628 t;f5-globalsite 2792 t;' +
  'gsiftp 2811 t;gpsd 2947 t;gds-db,gds_db 3050 t;icpv2,icp 3130 u;isns 3205 tu;iscsi-target 3260 t;' +
  'mysql 3306 t;ms-wbt-server 3389 t;nut 3493 tu;distcc 3632 t;daap 3689 t;svn,subversion 3690 t;suucp 4031 t;' +
  'sysrqd 4094 t;sieve 4190 t;epmd 4369 t;remctl 4373 t;f5-iquery 4353 t;ntske 4460 t;ipsec-nat-t 4500 u;' +
  'iax 4569 u;mtn 4691 t;radmin-port 4899 t;sip 5060 tu;sip-tls 5061 tu;xmpp-client,jabber-client 5222 t;' +
  'xmpp-server,jabber-server 5269 t;cfengine 5308 t;mdns 5353 u;postgresql,postgres 5432 t;freeciv,rptp 5556 t;' +
  'amqps 5671 t;amqp 5672 ts;x11,x11-0 6000 t;x11-1 6001 t;x11-2 6002 t;x11-3 6003 t;x11-4 6004 t;x11-5 6005 t;' +
  'x11-6 6006 t;x11-7 6007 t;gnutella-svc 6346 tu;gnutella-rtr 6347 tu;redis 6379 t;' +
  'sge-qmaster,sge_qmaster 6444 t;sge-execd,sge_execd 6445 t;mysql-proxy 6446 t;babel 6696 u;ircs-u 6697 t;' +
  'bbs 7000 t;afs3-fileserver 7000 u;afs3-callback 7001 u;afs3-prserver 7002 u;afs3-vlserver 7003 u;' +
  'afs3-kaserver 7004 u;afs3-volser 7005 u;afs3-bos 7007 u;afs3-update 7008 u;afs3-rmtsys 7009 u;' +
  'font-service,xfs 7100 t;http-alt,webcache 8080 t;puppet 8140 t;bacula-dir 9101 t;bacula-fd 9102 t;' +
  'bacula-sd 9103 t;xmms2 9667 t;nbd 10809 t;zabbix-agent 10050 t;zabbix-trapper 10051 t;amanda 10080 t;' +
  'dicom 11112 t;hkp 11371 t;db-lsp 17500 t;dcap 22125 t;gsidcap 22128 t;wnn6 22273 t;' +
  'kerberos4,kerberos-iv,kdc 750 ut;kerberos-master,kerberos_master 751 u;kerberos-master 751 t;' +
  'passwd-server,passwd_server 752 u;krb-prop,krb_prop,krb5_prop,hprop 754 t;zephyr-srv 2102 u;' +
  'zephyr-clt 2103 u;zephyr-hm 2104 u;iprop 2121 t;supfilesrv 871 t;supfiledbg 1127 t;poppassd 106 t;' +
  'moira-db,moira_db 775 t;moira-update,moira_update 777 t;moira-ureg,moira_ureg 779 u;spamd 783 t;' +
  'skkserv 1178 t;predict 1210 u;rmtcfg 1236 t;xtel 1313 t;xtelw 1314 t;zebrasrv 2600 t;zebra 2601 t;' +
  'ripd 2602 t;ripngd 2603 t;ospfd 2604 t;bgpd 2605 t;ospf6d 2606 t;ospfapi 2607 t;isisd 2608 t;fax 4557 t;' +
  'hylafax 4559 t;munin,lrrd 4949 t;rplay 5555 u;nrpe 5666 t;nsca 5667 t;canna 5680 t;syslog-tls 6514 t;' +
  'sane-port,sane,saned 6566 t;ircd 6667 t;zope-ftp 8021 t;tproxy 8081 t;omniorb 8088 t;clc-build-daemon 8990 t;' +
  'xinetd 9098 t;git 9418 t;zope 9673 t;webmin 10000 t;kamanda 10081 t;amandaidx 10082 t;amidxtape 10083 t;' +
  'sgi-cmsd 17001 u;sgi-crsd 17002 u;sgi-gcd 17003 u;sgi-cad 17004 t;binkp 24554 t;asp 27374 tu;csync2 30865 t;' +
  'dircproxy 57000 t;tfido 60177 t;fido 60179 t;';

const letters: Record<string, string> = { t: 'tcp', u: 'udp', s: 'sctp', d: 'dccp' };

let byName: Map<string, Map<string, number>> | undefined;

function load(): Map<string, Map<string, number>> {
  const m = new Map<string, Map<string, number>>();
  for (const item of TABLE.split(';')) {
    if (!item) continue;
    const [names, port, protos] = item.split(' ');
    for (const name of names.split(',')) {
      let per = m.get(name);
      if (!per) m.set(name, (per = new Map()));
      for (const l of protos) if (!per.has(letters[l])) per.set(letters[l], Number(port));
    }
  }
  return m;
}

/**
 * The port of a service name for a protocol ("tcp", "udp", "sctp", "dccp"), or "any" for the lookups iptables
 * makes with getaddrinfo(3) and no protocol (udp's `--dport`, conntrack's port options: tcp's entry first, then
 * udp's). undefined when /etc/services has no such name for it. Names are case-sensitive ("HTTP" is refused).
 */
export function servicePort(name: string, proto: string): number | undefined {
  byName ??= load();
  const per = byName.get(name);
  if (!per) return undefined;
  if (proto === 'any') return per.get('tcp') ?? per.get('udp');
  return per.get(proto);
}

/** Whether the name is a service of any protocol (for validation when the protocol is not known). */
export function isServiceName(name: string): boolean {
  byName ??= load();
  return byName.has(name);
}
