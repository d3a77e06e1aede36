//! The only unsafe code in wirelab: three ioctl(2) calls that Rust's standard library and
//! `nix` have no safe wrapper for. Each takes a `struct ifreq` (netdevice(7)):
//!
//! ```text
//!   struct ifreq {
//!       char ifr_name[IFNAMSIZ];      16 bytes: "wltap0\0..."
//!       union {
//!           short ifr_flags;          TUNSETIFF: IFF_TAP | IFF_NO_PI
//!           int   ifr_mtu;            SIOCGIFMTU: filled in by the kernel
//!           ...                       (24 bytes in all)
//!       };
//!   };
//! ```
//!
//! Everything else (opening `/dev/net/tun`, read, write, poll, fcntl) goes through `std` and
//! `nix`'s safe functions.
#![allow(unsafe_code)]

use nix::libc;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

// TUNSETIFF reads the name and flags and writes back the name the kernel chose (a name like
// "tap%d" becomes "tap0"), hence read-write. See linux/Documentation/networking/tuntap.rst.
nix::ioctl_readwrite_bad!(tun_set_iff, libc::TUNSETIFF, libc::ifreq);
// TUNSETPERSIST takes its argument by value, not through a pointer.
nix::ioctl_write_int_bad!(tun_set_persist, libc::TUNSETPERSIST);
nix::ioctl_readwrite_bad!(get_interface_mtu, libc::SIOCGIFMTU, libc::ifreq);

/// An `ifreq` holding `name` (at most `IFNAMSIZ - 1` bytes, checked by the caller) and `flags`.
fn request(name: &str, flags: libc::c_short) -> libc::ifreq {
    let mut ifr_name = [0 as libc::c_char; libc::IFNAMSIZ];
    for (slot, byte) in ifr_name.iter_mut().zip(name.bytes()) {
        *slot = byte as libc::c_char;
    }
    libc::ifreq {
        ifr_name,
        ifr_ifru: libc::__c_anonymous_ifr_ifru { ifru_flags: flags },
    }
}

/// The name in an `ifreq`, up to its terminating NUL.
fn name_of(request: &libc::ifreq) -> String {
    let bytes: Vec<u8> = request
        .ifr_name
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Attaches the open `/dev/net/tun` file `tun` to the interface `name`, creating it if it does
/// not exist. Returns the interface's name as the kernel spells it.
pub(super) fn set_iff(tun: BorrowedFd<'_>, name: &str, flags: libc::c_short) -> io::Result<String> {
    let mut ifr = request(name, flags);
    // SAFETY: `tun` is an open file descriptor (borrowed for this call); `ifr` is a fully
    // initialised `struct ifreq` that lives across the call; TUNSETIFF reads and writes only
    // within that struct.
    unsafe { tun_set_iff(tun.as_raw_fd(), &mut ifr) }?;
    Ok(name_of(&ifr))
}

/// Makes the interface attached to `tun` persistent (it outlives the file) or not.
pub(super) fn set_persist(tun: BorrowedFd<'_>, persist: bool) -> io::Result<()> {
    // SAFETY: `tun` is an open file descriptor; TUNSETPERSIST takes a plain integer and
    // touches no memory of ours.
    unsafe { tun_set_persist(tun.as_raw_fd(), libc::c_int::from(persist)) }?;
    Ok(())
}

/// The MTU of the interface `name`, asked through any socket of the same network namespace.
pub(super) fn mtu(socket: BorrowedFd<'_>, name: &str) -> io::Result<u32> {
    let mut ifr = request(name, 0);
    // SAFETY: `socket` is an open socket; `ifr` is a fully initialised `struct ifreq` that
    // lives across the call; SIOCGIFMTU writes only `ifr_mtu` inside it.
    unsafe { get_interface_mtu(socket.as_raw_fd(), &mut ifr) }?;
    // SAFETY: after a successful SIOCGIFMTU the kernel has written `ifr_mtu` (netdevice(7)),
    // and every bit pattern is a valid `c_int`.
    let mtu = unsafe { ifr.ifr_ifru.ifru_mtu };
    u32::try_from(mtu).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("SIOCGIFMTU for {name}: the kernel reported a negative MTU ({mtu})"),
        )
    })
}
