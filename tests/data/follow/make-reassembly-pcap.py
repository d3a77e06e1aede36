#!/usr/bin/env python3
# Writes reassembly.pcap beside this script: one HTTP exchange over TCP with every case
# reassembly must handle, for tests/follow.rs (its --raw output is compared with tshark):
#   frames 4-6   the client request in three segments, the third overtaking the second
#   frame 7      the second segment sent again with different bytes (an overlap conflict)
#   frames 9-11  the response in three segments, the middle one not captured; the client
#                acknowledges past it, so the gap is known to be a loss of the capture
#   the client ISN is 16 below 2^32, so its sequence numbers wrap during the request
import struct
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b))
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
C=bytes([10,0,0,1]); S=bytes([10,0,0,2])
CP,SP=40000,8080
CISN=0xFFFFFFF0; SISN=1000
def pkt(src,dst,sport,dport,seq,ack,flags,payload=b''):
    tcp=struct.pack('!HHIIBBHHH',sport,dport,seq&0xffffffff,ack&0xffffffff,5<<4,flags,65535,0,0)+payload
    ph=src+dst+struct.pack('!BBH',0,6,len(tcp))
    c=csum(ph+tcp); tcp=tcp[:16]+struct.pack('!H',c)+tcp[18:]
    ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(tcp),1,0,64,6,0,src,dst)
    ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
    eth=b'\x02\0\0\0\0\x02'+b'\x02\0\0\0\0\x01'+b'\x08\x00'
    return eth+ip+tcp
SYN,ACK,PSH,FIN=2,16,8,1
def c(seq,ack,flags,p=b''): return pkt(C,S,CP,SP,CISN+seq,SISN+ack,flags,p)
def s(seq,ack,flags,p=b''): return pkt(S,C,SP,CP,SISN+seq,CISN+ack,flags,p)
A=b"GET /a HTTP/1.1\r\n"; B=b"Host: x\r\n"; Cc=b"\r\n"
a1=1; b1=a1+len(A); c1=b1+len(B); cend=c1+len(Cc)
R1=b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n"; R2=b"\r\nhello"; R3=b" world"
r1=1; r2=r1+len(R1); r3=r2+len(R2); rend=r3+len(R3)
frames=[
 c(0,0,SYN), s(0,1,SYN|ACK), c(1,1,ACK),
 c(a1,1,ACK|PSH,A),
 c(c1,1,ACK|PSH,Cc),             # overtakes B
 c(b1,1,ACK|PSH,B),              # fills the hole
 c(b1,1,ACK|PSH,b"HOST: y\r\n"), # the same bytes again, different: a conflict
 s(1,cend,ACK),
 s(r1,cend,ACK|PSH,R1),
 # R2 is sent but not captured
 s(r3,cend,ACK|PSH,R3),
 c(cend,rend,ACK),               # the client acknowledges R2 and R3
 s(rend,cend,FIN|ACK), c(cend,rend+1,FIN|ACK), s(rend+1,cend+1,ACK),
]
out=struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1)
for i,f in enumerate(frames):
    out+=struct.pack('<IIII',1700000000,i*1000,len(f),len(f))+f
import os
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reassembly.pcap"), "wb").write(out)
