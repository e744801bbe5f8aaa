"""Type stubs of the native layer (use the mmdreg package, not this module)."""
import enum
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

__version__: str
ALL_DEVICES_GROUP: str
SHARED_DEVICE_MODE_GROUP: str
RULES: List[Tuple[str, str, str]]

class NativeError(Exception): ...

_Buffer = Union[bytes, bytearray, memoryview]
_FindingTuple = Tuple[str, str, int, str, str, str]

class DeviceProfile(enum.Enum):
    STANDARD: int
    SENSITIVE_DATA: int
    POWER_USER: int
    KIOSK: int

class GroupTagKind(enum.Enum):
    EMPTY: int
    MMD: int
    CASE_SLIP: int
    INVALID: int
    LEGACY: int
    FOREIGN: int

class RegistrationState(enum.Enum):
    PENDING: int
    FAILED: int
    READY_FOR_USER: int
    ACTIVE: int
    INACTIVE: int

class RegistrationError(enum.Enum):
    DEVICE_NOT_FOUND: int
    HARDWARE_HASH_NOT_VALID: int
    DEVICE_ALREADY_REGISTERED: int
    DEVICE_CLAIMED_BY_ANOTHER_ORGANIZATION: int
    UNEXPECTED_ERROR: int

class Ring(enum.Enum):
    TEST: int
    FIRST: int
    FAST: int
    BROAD: int

def parse_group_tag(tag: str) -> Tuple[GroupTagKind, DeviceProfile, bool, str]: ...
def format_group_tag(profile: DeviceProfile, shared: bool) -> str: ...
def profile_display_name(profile: DeviceProfile) -> str: ...
def deployment_profile_name(profile: DeviceProfile, shared: bool) -> str: ...
def device_name_template(profile: DeviceProfile) -> str: ...
def state_display_name(state: RegistrationState) -> str: ...
def error_message(error: RegistrationError) -> str: ...
def autopilot_equivalent(error: RegistrationError) -> Tuple[str, int]: ...
def ring_group(ring: Ring) -> str: ...
def profile_group(profile: DeviceProfile) -> str: ...
def generate_device_names(profile: DeviceProfile, count: int, seed: Optional[int] = None) -> List[str]: ...
def follows_name_template(name: str, profile: DeviceProfile) -> bool: ...
def validate_path(
    path: str, dialect: Optional[str], target: Optional[str], threads: int,
    progress: Optional[Callable[[int], None]],
) -> Tuple[Dict[str, Any], List[_FindingTuple]]: ...
def validate_buffer(
    content: _Buffer, dialect: Optional[str], target: Optional[str], threads: int,
    progress: Optional[Callable[[int], None]],
) -> Tuple[Dict[str, Any], List[_FindingTuple]]: ...

class ChunkValidator:
    def __init__(self, dialect: Optional[str], target: Optional[str], threads: int) -> None: ...
    def feed(self, chunk: _Buffer) -> List[_FindingTuple]: ...
    def finish(self) -> Tuple[List[_FindingTuple], Dict[str, Any]]: ...

def inspect_hash(text: str) -> Dict[str, Any]: ...
def file_hashes(path: str) -> List[Tuple[int, str, str]]: ...
def merge(
    paths: List[str], out_dir: str, dialect: Optional[str], group_tag: Optional[str],
    target: Optional[str],
) -> Dict[str, Any]: ...

class MemoryRegistry:
    def __init__(self, seed: int, start: int) -> None: ...
    def add_organization(self, name: str) -> int: ...
    def register_file(
        self, organization: int, path: str, profile: DeviceProfile, shared: bool, order_id: str
    ) -> Dict[str, Any]: ...
    def advance(self, seconds: int) -> None: ...
    def now(self) -> int: ...
    def devices(self, organization: int) -> List[Dict[str, Any]]: ...
