// rsyslog_abi.hpp - our own declarations of rsyslog 8.2302's loadable-module ABI.
//
// Written from the facts in plugins/host/ABI.md (section numbers below refer
// to it); no rsyslog header or code is used. Everything here is x86-64,
// NDEBUG-build specific where marked [FRAGILE].
//
// Concurrency & Locking: declarations only. The core functions declared here
// are thread-safe as rsyslog documents them (message construction and submit
// from any thread; ratelimiters only after ratelimitSetThreadSafe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>

extern "C" {
#include <libestr.h>  // no extern "C" guard of its own (ABI.md §1)
}

namespace rs {

// ---------------------------------------------------------------- basics (ABI.md §2, §8)
using rsRetVal = int;  // C enum rsRetVal_, 4 bytes
using uchar = unsigned char;

// Opaque core objects.
struct smsg_t;
struct prop_t;
struct ruleset_t;
struct ratelimit_t;
struct statsobj_t;
struct rsconf_t;
struct nvlst;
struct modInfo_t;
struct thrdInfo_t;           // layout: only bShallStop is read (ABI.md §7.1)
struct omodStringRequest_t;  // ABI.md §7.4

// Entry points travel as rsRetVal (*)() (ABI.md §1).
using EntryPoint = rsRetVal (*)();
using GenFn = void (*)();

// Return codes (ABI.md §8).
enum : rsRetVal {
  RS_RET_OK = 0,
  RS_RET_NO_RUN = 3,
  RS_RET_OUT_OF_MEMORY = -6,
  RS_RET_PARAM_ERROR = -1000,
  RS_RET_MISSING_INTERFACE = -1001,
  RS_RET_ENTRY_POINT_NOT_FOUND = -1003,
  RS_RET_MODULE_ENTRY_POINT_NOT_FOUND = -1004,
  RS_RET_CONFLINE_UNPROCESSED = -2001,
  RS_RET_DISCARDMSG = -2002,
  RS_RET_INCOMPATIBLE = -2003,
  RS_RET_DISABLE_ACTION = -2006,
  RS_RET_SUSPENDED = -2007,
  RS_RET_INVALID_PARAMS = -2016,
  RS_RET_INTERFACE_NOT_SUPPORTED = -2054,
  RS_RET_DEFER_COMMIT = -2121,
  RS_RET_PREVIOUS_COMMITTED = -2122,
  RS_RET_ACTION_FAILED = -2123,
  RS_RET_FORCE_TERM = -2153,  // inputs are being terminated (ABI.md §6, submitting)
  RS_RET_RULESET_NOT_FOUND = -2157,
  RS_RET_RATE_LIMITED = -2177,
  RS_RET_MISSING_CNFPARAMS = -2211,
  RS_RET_LEGA_ACT_NOT_SUPPORTED = -2215,
  RS_RET_DATAFAIL = -2218,
  RS_RET_CONF_PARAM_INVLD = -2425,
  RS_RET_ERR = -3000,
  RS_RET_NOT_FOUND = -3003,
};
constexpr int NO_ERRCODE = -1;  // for LogError/LogMsg informational lines (ABI.md §12)

constexpr int CURR_MOD_IF_VERSION = 6;
enum eModType : int { eMOD_IN = 0, eMOD_OUT = 1, eMOD_LIB = 2, eMOD_PARSER = 3, eMOD_STRGEN = 4, eMOD_FUNCTION = 5 };
enum eModKeepType : int { eMOD_NOKEEP = 0, eMOD_KEEP = 1 };
enum syslogFeature : int {
  sFEATURERepeatedMsgReduction = 1,
  sFEATURENonCancelInputTermination = 2,
  sFEATUREAutomaticSanitazion = 3,
  sFEATUREAutomaticPRIParsing = 4,
};
enum flowControl_t : int { eFLOWCTL_NO_DELAY = 0, eFLOWCTL_LIGHT_DELAY = 1, eFLOWCTL_FULL_DELAY = 2 };

// msgFlags values (ABI.md §8).
constexpr int NEEDS_PARSING = 0x10;
constexpr int PARSE_HOSTNAME = 0x20;

// OMSR template options (ABI.md §8).
constexpr int OMSR_NO_RQD_TPL_OPTS = 0;
constexpr int OMSR_TPL_AS_MSG = 4;

// ------------------------------------------------------------ config v2 (ABI.md §7.3, §9)
enum ecslCmdHdrlType : int {
  eCmdHdlrInvalid = 0,
  eCmdHdlrCustomHandler = 1,
  eCmdHdlrUID = 2,
  eCmdHdlrGID = 3,
  eCmdHdlrBinary = 4,
  eCmdHdlrFileCreateMode = 5,
  eCmdHdlrInt = 6,
  eCmdHdlrNonNegInt = 7,
  eCmdHdlrPositiveInt = 8,
  eCmdHdlrSize = 9,
  eCmdHdlrGetChar = 10,
  eCmdHdlrFacility = 11,
  eCmdHdlrSeverity = 12,
  eCmdHdlrGetWord = 13,
  eCmdHdlrString = 14,
  eCmdHdlrArray = 15,
  eCmdHdlrQueueType = 16,
  eCmdHdlrGoneAway = 17,
};
constexpr unsigned CNFPARAM_REQUIRED = 0x1;
constexpr unsigned CNFPARAM_DEPRECATED = 0x2;
constexpr unsigned short CNFPARAMBLK_VERSION = 1;

struct cnfparamdescr {  // 16 bytes
  const char* name;
  ecslCmdHdrlType type;
  unsigned flags;
};
struct cnfparamblk {  // 16 bytes
  unsigned short version;
  unsigned short nParams;
  cnfparamdescr* descr;
};
struct cnfarray {  // 16 bytes; nodetype is the grammar's 'A'
  unsigned nodetype;
  int nmemb;
  es_str_t** arr;
};
struct svar {  // 16 bytes; datatype 'S', 'N', 'A', 'J'
  union {
    es_str_t* estr;
    cnfarray* ar;
    long long n;
    void* json;
  } d;
  char datatype;
};
struct cnfparamvals {  // 24 bytes
  svar val;
  unsigned char bUsed;
};
static_assert(sizeof(cnfparamdescr) == 16 && sizeof(cnfparamblk) == 16, "config ABI");
static_assert(sizeof(svar) == 16 && sizeof(cnfparamvals) == 24 && sizeof(cnfarray) == 16, "config ABI");

// -------------------------------------------------------------- batches (ABI.md §7.2, §7.5)
struct multi_submit_t {  // 16 bytes
  short maxElem;
  short nElem;
  smsg_t** ppMsgs;
};
static_assert(sizeof(multi_submit_t) == 16, "multi_submit_t ABI");

struct actWrkrIParams_t {  // 16 bytes
  uchar* param;
  uint32_t lenBuf;
  uint32_t lenStr;
};
static_assert(sizeof(actWrkrIParams_t) == 16, "actWrkrIParams_t ABI");

// thrdInfo_t.bShallStop (ABI.md §7.1), set to 1 by the core before SIGTTIN.
constexpr std::size_t kThrdInfoShallStopOffset = 92;
inline bool threadShallStop(const thrdInfo_t* t) {
  const int* p = reinterpret_cast<const int*>(reinterpret_cast<const char*>(t) + kThrdInfoShallStopOffset);
  return __atomic_load_n(p, __ATOMIC_RELAXED) != 0;
}

// [FRAGILE] struct msg prefix of the NDEBUG build (ABI.md §7.6).
constexpr std::size_t kMsgOffFlowCtlType = 16;
constexpr std::size_t kMsgOffRefCount = 64;
constexpr std::size_t kMsgOffSeverity = 70;
constexpr std::size_t kMsgOffOffMSG = 80;
constexpr std::size_t kMsgOffMsgFlags = 88;

// ------------------------------------------------------------ obj interfaces (ABI.md §5)
struct IfHeader {
  int ifVersion;
  int ifIsLoaded;  // 0 no, 1 loaded, 2 load failed
};
constexpr int kIfSpareSlots = 32;  // the core may write more slots than we know (ABI.md §5, §15)

constexpr int objCURR_IF_VERSION = 2;
struct obj_if_t {  // 15 slots
  IfHeader hdr;
  rsRetVal (*UseObj)(const char* srcFile, uchar* objName, uchar* objFile, void* pIf);
  rsRetVal (*ReleaseObj)(const char* srcFile, uchar* objName, uchar* objFile, void* pIf);
  GenFn unused[13];
  GenFn spare[kIfSpareSlots];
};
static_assert(offsetof(obj_if_t, UseObj) == 8 && offsetof(obj_if_t, spare) == 128, "obj_if ABI");

constexpr int propCURR_IF_VERSION = 1;
struct prop_if_t {  // 10 slots
  IfHeader hdr;
  GenFn DebugPrint;
  rsRetVal (*Construct)(prop_t**);
  rsRetVal (*ConstructFinalize)(prop_t*);
  rsRetVal (*Destruct)(prop_t**);
  rsRetVal (*SetString)(prop_t*, const uchar*, const int);
  rsRetVal (*GetString)(prop_t*, uchar**, int*);
  int (*GetStringLen)(prop_t*);
  rsRetVal (*AddRef)(prop_t*);
  rsRetVal (*CreateStringProp)(prop_t**, const uchar*, const int);
  rsRetVal (*CreateOrReuseStringProp)(prop_t**, const uchar*, const int);
  GenFn spare[kIfSpareSlots];
};
static_assert(offsetof(prop_if_t, CreateStringProp) == 72 && offsetof(prop_if_t, spare) == 88, "prop_if ABI");

// A received-time stamp as rsyslog's datetime.getCurrTime fills it and
// msgConstructWithTime copies it (ABI.md §5, §7.7). Only the core reads or
// writes the contents; the module keeps the bytes.
constexpr std::size_t kSyslogTimeSize = 24;  // sizeof(struct syslogTime)
struct syslogTime {
  alignas(8) unsigned char bytes[kSyslogTimeSize];
};
constexpr int TIME_IN_LOCALTIME = 0;

constexpr int datetimeCURR_IF_VERSION = 11;
struct datetime_if_t {  // 13 slots
  IfHeader hdr;
  void (*getCurrTime)(syslogTime* t, time_t* ttSeconds, const int inUTC);
  GenFn rest[12];  // ParseTIMESTAMP3339 ... formatUnixTimeFromTime_t
  GenFn spare[kIfSpareSlots];
};
static_assert(offsetof(datetime_if_t, getCurrTime) == 8 && offsetof(datetime_if_t, spare) == 112,
              "datetime_if ABI");

enum statsCtrType_t : int { ctrType_IntCtr = 0, ctrType_Int = 1 };
constexpr int8_t CTR_FLAG_NONE = 0;
constexpr int8_t CTR_FLAG_RESETTABLE = 1;

constexpr int statsobjCURR_IF_VERSION = 13;
struct statsobj_if_t {  // 17 slots
  IfHeader hdr;
  GenFn DebugPrint;
  rsRetVal (*Construct)(statsobj_t**);
  rsRetVal (*ConstructFinalize)(statsobj_t*);
  rsRetVal (*Destruct)(statsobj_t**);
  rsRetVal (*SetName)(statsobj_t*, uchar*);
  rsRetVal (*SetOrigin)(statsobj_t*, uchar*);
  GenFn SetReadNotifier;
  GenFn SetReportingNamespace;
  GenFn SetStatsObjFlags;
  GenFn GetAllStatsLines;
  rsRetVal (*AddCounter)(statsobj_t*, const uchar*, statsCtrType_t, int8_t, void*);
  GenFn rest[6];  // AddManagedCounter ... EnableStats
  GenFn spare[kIfSpareSlots];
};
static_assert(offsetof(statsobj_if_t, AddCounter) == 88 && offsetof(statsobj_if_t, spare) == 144,
              "statsobj_if ABI");

}  // namespace rs

// ------------------------------------------------- core functions (ABI.md §6), C linkage
// Defined by rsyslogd (bound at dlopen). Default visibility so that the
// compiler never assumes they are local to the module.
#pragma GCC visibility push(default)
extern "C" {
void LogError(const int iErrno, const int iErrCode, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
void LogMsg(const int iErrno, const int iErrCode, const int severity, const char* fmt, ...)
    __attribute__((format(printf, 4, 5)));

rs::cnfparamvals* nvlstGetParams(rs::nvlst* lst, rs::cnfparamblk* blk, rs::cnfparamvals* vals);
void cnfparamvalsDestruct(const rs::cnfparamvals* vals, const rs::cnfparamblk* blk);

rs::rsRetVal msgConstruct(rs::smsg_t** ppMsg);
rs::rsRetVal msgConstructWithTime(rs::smsg_t** ppMsg, const rs::syslogTime* stTime, const time_t ttGenTime);
rs::rsRetVal msgDestruct(rs::smsg_t** ppMsg);
void MsgSetInputName(rs::smsg_t* m, rs::prop_t* p);
void MsgSetRawMsg(rs::smsg_t* m, const char* raw, const std::size_t len);
rs::rsRetVal MsgSetFlowControlType(rs::smsg_t* m, rs::flowControl_t t);
void MsgSetRuleset(rs::smsg_t* m, rs::ruleset_t* rs);
void MsgSetRcvFromStr(rs::smsg_t* m, const rs::uchar* s, const int len, rs::prop_t** cache);
rs::rsRetVal MsgSetRcvFromIPStr(rs::smsg_t* m, const rs::uchar* s, const int len, rs::prop_t** cache);

// Message metadata (ABI.md §16): each call makes one JSON object of string
// values (copied) and adds it under $!metadata. The names are not modified.
// Call once per message: a second call merges into $! instead.
rs::rsRetVal msgAddMetadata(rs::smsg_t* m, rs::uchar* name, rs::uchar* value);
rs::rsRetVal msgAddMultiMetadata(rs::smsg_t* m, const rs::uchar** names, const rs::uchar** values, const int count);

rs::rsRetVal submitMsg2(rs::smsg_t* m);
rs::rsRetVal multiSubmitMsg2(rs::multi_submit_t* ms);
rs::rsRetVal multiSubmitFlush(rs::multi_submit_t* ms);

rs::rsRetVal ratelimitNew(rs::ratelimit_t** pp, const char* modname, const char* dynname);
void ratelimitSetLinuxLike(rs::ratelimit_t* rl, unsigned interval, unsigned burst);
void ratelimitSetThreadSafe(rs::ratelimit_t* rl);
rs::rsRetVal ratelimitAddMsg(rs::ratelimit_t* rl, rs::multi_submit_t* ms, rs::smsg_t* m);
void ratelimitDestruct(rs::ratelimit_t* rl);

rs::rsRetVal rulesetGetRuleset(rs::rsconf_t* conf, rs::ruleset_t** out, rs::uchar* name);

rs::rsRetVal OMSRconstruct(rs::omodStringRequest_t** pp, int nEntries);
rs::rsRetVal OMSRsetEntry(rs::omodStringRequest_t* p, int i, rs::uchar* tplName, int tplOpts);
rs::rsRetVal OMSRdestruct(rs::omodStringRequest_t* p);

int glblGetMaxLine(rs::rsconf_t* conf);
rs::rsRetVal objGetObjInterface(rs::obj_if_t* pIf);

extern int GatherStats;
extern int Debug;
// Set while internal messages are signalled to the main thread (ABI.md §12);
// weak: a daemon without it loads the module and is refused by the guard.
extern int bHaveMainQueue __attribute__((weak));
void r_dbgprintf(const char* srcfile, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
}
#pragma GCC visibility pop
