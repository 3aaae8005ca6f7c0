import type { IncidentCategory } from '@openlgsp/contracts';

/**
 * The ENISA Reference Incident Classification Taxonomy (2018), as the contracts list it
 * (common.json#/$defs/incidentCategory is the source of truth; this record must name every value, and
 * only those, or the build fails). Labels in English and Vietnamese for people; the slug is the data.
 */
export interface CategoryInfo {
  /** The taxonomy's class, e.g. "Availability". */
  class: string;
  label: string;
  labelVi: string;
}

export const INCIDENT_CATEGORIES: Readonly<Record<IncidentCategory, CategoryInfo>> = {
  'abusive-content/spam': { class: 'Abusive Content', label: 'Spam', labelVi: 'Thư rác, tin nhắn rác' },
  'abusive-content/harmful-speech': {
    class: 'Abusive Content',
    label: 'Harmful speech',
    labelVi: 'Nội dung độc hại',
  },
  'abusive-content/violence': {
    class: 'Abusive Content',
    label: 'Child abuse, sexual content, violence',
    labelVi: 'Nội dung bạo lực, lạm dụng',
  },
  'malicious-code/infected-system': {
    class: 'Malicious Code',
    label: 'Infected system',
    labelVi: 'Hệ thống nhiễm mã độc',
  },
  'malicious-code/c2-server': {
    class: 'Malicious Code',
    label: 'Command and control server',
    labelVi: 'Máy chủ điều khiển mã độc',
  },
  'malicious-code/malware-distribution': {
    class: 'Malicious Code',
    label: 'Malware distribution',
    labelVi: 'Phát tán mã độc',
  },
  'malicious-code/malware-configuration': {
    class: 'Malicious Code',
    label: 'Malware configuration',
    labelVi: 'Cấu hình mã độc',
  },
  'information-gathering/scanner': { class: 'Information Gathering', label: 'Scanning', labelVi: 'Dò quét' },
  'information-gathering/sniffing': {
    class: 'Information Gathering',
    label: 'Sniffing',
    labelVi: 'Nghe lén',
  },
  'information-gathering/social-engineering': {
    class: 'Information Gathering',
    label: 'Social engineering',
    labelVi: 'Lừa đảo khai thác thông tin',
  },
  'intrusion-attempts/ids-alert': {
    class: 'Intrusion Attempts',
    label: 'Exploitation of known vulnerabilities (IDS alert)',
    labelVi: 'Khai thác lỗ hổng đã biết',
  },
  'intrusion-attempts/brute-force': {
    class: 'Intrusion Attempts',
    label: 'Login attempts',
    labelVi: 'Dò mật khẩu',
  },
  'intrusion-attempts/exploit': {
    class: 'Intrusion Attempts',
    label: 'New attack signature',
    labelVi: 'Kiểu tấn công mới',
  },
  'intrusions/privileged-account-compromise': {
    class: 'Intrusions',
    label: 'Privileged account compromise',
    labelVi: 'Chiếm tài khoản quản trị',
  },
  'intrusions/unprivileged-account-compromise': {
    class: 'Intrusions',
    label: 'Unprivileged account compromise',
    labelVi: 'Chiếm tài khoản người dùng',
  },
  'intrusions/application-compromise': {
    class: 'Intrusions',
    label: 'Application compromise',
    labelVi: 'Xâm nhập ứng dụng',
  },
  'intrusions/system-compromise': {
    class: 'Intrusions',
    label: 'System compromise',
    labelVi: 'Xâm nhập hệ thống',
  },
  'intrusions/burglary': { class: 'Intrusions', label: 'Burglary', labelVi: 'Đột nhập vật lý' },
  'availability/dos': {
    class: 'Availability',
    label: 'Denial of service',
    labelVi: 'Tấn công từ chối dịch vụ',
  },
  'availability/ddos': {
    class: 'Availability',
    label: 'Distributed denial of service',
    labelVi: 'Tấn công từ chối dịch vụ phân tán',
  },
  'availability/misconfiguration': {
    class: 'Availability',
    label: 'Misconfiguration',
    labelVi: 'Cấu hình sai',
  },
  'availability/sabotage': { class: 'Availability', label: 'Sabotage', labelVi: 'Phá hoại' },
  'availability/outage': {
    class: 'Availability',
    label: 'Outage (no malice)',
    labelVi: 'Gián đoạn (sự cố mạng, mất kết nối)',
  },
  'information-content-security/unauthorised-information-access': {
    class: 'Information Content Security',
    label: 'Unauthorised access to information',
    labelVi: 'Truy cập trái phép thông tin',
  },
  'information-content-security/unauthorised-information-modification': {
    class: 'Information Content Security',
    label: 'Unauthorised modification of information',
    labelVi: 'Sửa đổi trái phép thông tin',
  },
  'information-content-security/data-loss': {
    class: 'Information Content Security',
    label: 'Data loss',
    labelVi: 'Mất dữ liệu',
  },
  'information-content-security/data-leak': {
    class: 'Information Content Security',
    label: 'Leak of confidential information',
    labelVi: 'Lộ lọt thông tin',
  },
  'fraud/unauthorized-use-of-resources': {
    class: 'Fraud',
    label: 'Unauthorised use of resources',
    labelVi: 'Sử dụng trái phép tài nguyên',
  },
  'fraud/copyright': { class: 'Fraud', label: 'Copyright', labelVi: 'Vi phạm bản quyền' },
  'fraud/masquerade': { class: 'Fraud', label: 'Masquerade', labelVi: 'Giả mạo' },
  'fraud/phishing': { class: 'Fraud', label: 'Phishing', labelVi: 'Lừa đảo trực tuyến' },
  'vulnerable/weak-crypto': { class: 'Vulnerable', label: 'Weak cryptography', labelVi: 'Mã hoá yếu' },
  'vulnerable/ddos-amplifier': {
    class: 'Vulnerable',
    label: 'DDoS amplifier',
    labelVi: 'Dịch vụ bị lợi dụng khuếch đại DDoS',
  },
  'vulnerable/potentially-unwanted-accessible': {
    class: 'Vulnerable',
    label: 'Potentially unwanted accessible services',
    labelVi: 'Dịch vụ mở không cần thiết',
  },
  'vulnerable/information-disclosure': {
    class: 'Vulnerable',
    label: 'Information disclosure',
    labelVi: 'Để lộ thông tin',
  },
  'vulnerable/vulnerable-system': {
    class: 'Vulnerable',
    label: 'Vulnerable system',
    labelVi: 'Hệ thống có lỗ hổng',
  },
  'other/other': { class: 'Other', label: 'Other', labelVi: 'Khác' },
  'other/undetermined': { class: 'Other', label: 'Undetermined', labelVi: 'Chưa xác định' },
  'test/test': { class: 'Test', label: 'Test', labelVi: 'Thử nghiệm' },
};

export function isIncidentCategory(value: unknown): value is IncidentCategory {
  return typeof value === 'string' && Object.hasOwn(INCIDENT_CATEGORIES, value);
}

/** An outage of the special-use data network (001 Điều 3) is filed under this category. */
export const NETWORK_OUTAGE: IncidentCategory = 'availability/outage';
