"""The web page's words in Bahasa Indonesia (the default) and English, and the formats of
money and dates as Indonesian offices write them: ``Rp 1.234.000``, ``3 Desember 2026``.

The words every output shares (modes, reasons, categories) come from ``planner.reports.labels``,
so the page says what the manifests and the map say.
"""

from __future__ import annotations

from datetime import date, datetime

from planner.reports.labels import CATEGORIES, COST_TYPES, MODES, REASONS, Lang, Text, rupiah, word

__all__ = ["CATEGORIES", "COST_TYPES", "MODES", "REASONS", "WORDS", "Lang", "long_date", "rupiah", "word"]

_MONTHS: dict[str, tuple[str, ...]] = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def long_date(value: date | datetime, lang: Lang) -> str:
    """``3 Desember 2026`` (``3 December 2026`` in English)."""
    return f"{value.day} {_MONTHS[lang][value.month - 1]} {value.year}"


WORDS: dict[str, Text] = {
    "app": Text("repat: rencana pemulangan", "repat: return planning"),
    "skip": Text("Langsung ke isi", "Skip to content"),
    "nav": Text("Menu utama", "Main menu"),
    "weeks": Text("Minggu", "Weeks"),
    "sign_in": Text("Masuk", "Sign in"),
    "sign_out": Text("Keluar", "Sign out"),
    "api_key": Text("Kunci API", "API key"),
    "api_key_help": Text(
        "Kunci yang diberikan admin kantor Anda (diawali rpt_).",
        "The key your office's admin gave you (it begins with rpt_).",
    ),
    "wrong_key": Text(
        "Kunci ini tidak dikenal. Periksa dan coba lagi.", "This key is not known. Check it and try again."
    ),
    "signed_in_as": Text("Masuk sebagai {name} ({role}), {office}", "Signed in as {name} ({role}), {office}"),
    "language": Text("English", "Bahasa Indonesia"),
    "language_label": Text("Switch to English", "Ganti ke Bahasa Indonesia"),
    "role_officer": Text("petugas logistik", "logistics officer"),
    "role_budget": Text("staf anggaran", "budget staff"),
    "role_coordinator": Text("koordinator", "coordinator"),
    "role_admin": Text("admin", "admin"),
    "weeks_title": Text("Minggu kantor Anda", "Your office's weeks"),
    "no_weeks": Text("Belum ada minggu yang diunggah.", "No week has been uploaded yet."),
    "week": Text("Minggu", "Week"),
    "uploaded": Text("Diunggah", "Uploaded"),
    "cases": Text("Kasus", "Cases"),
    "upload_title": Text("Unggah minggu baru", "Upload a new week"),
    "upload_help": Text(
        "Satu buku kerja (.xlsx), satu .zip, atau berkas CSV beserta scenario.toml. Seret ke sini atau pilih.",
        "One workbook (.xlsx), one .zip, or the CSV files with scenario.toml. Drag them here or choose.",
    ),
    "files": Text("Berkas minggu", "The week's files"),
    "upload": Text("Unggah dan periksa", "Upload and check"),
    "problems_title": Text(
        "Minggu ini belum benar: {n} masalah. Tidak ada yang disimpan.",
        "This week is not valid yet: {n} problems. Nothing was stored.",
    ),
    "problems_caption": Text("Setiap masalah dan cara memperbaikinya", "Every problem and how to fix it"),
    "file": Text("Berkas atau lembar", "File or sheet"),
    "row": Text("Baris", "Row"),
    "column": Text("Kolom", "Column"),
    "wrong": Text("Apa yang salah", "What is wrong"),
    "fix": Text("Yang perlu dilakukan", "What to do"),
    "no_files": Text("Pilih minimal satu berkas.", "Choose at least one file."),
    "summary": Text("Ringkasan", "Summary"),
    "period": Text("Jangka waktu", "Planning window"),
    "days": Text("{n} hari mulai {start}", "{n} days from {start}"),
    "households": Text("Rumah tangga", "Households"),
    "need_escort": Text("Perlu pendamping", "Need an escort"),
    "by_shelter": Text("Kasus per tempat penampungan", "Cases by shelter"),
    "by_province": Text("Kasus per provinsi asal", "Cases by home province"),
    "by_category": Text("Kasus per kategori", "Cases by category"),
    "shelter": Text("Penampungan", "Shelter"),
    "province": Text("Provinsi", "Province"),
    "category": Text("Kategori", "Category"),
    "count": Text("Jumlah", "Count"),
    "escorts": Text("Pendamping", "Escorts"),
    "services": Text("Jadwal angkutan", "Services"),
    "budget_lines": Text("Mata anggaran", "Budget lines"),
    "budget_total": Text("Pagu seluruhnya", "Total ceiling"),
    "solve_title": Text("Buat rencana", "Make a plan"),
    "time_limit": Text("Batas waktu pencarian (detik)", "Search time limit (seconds)"),
    "time_limit_help": Text(
        "Antara 1 dan 600 detik; 30 biasanya cukup.", "Between 1 and 600 seconds; 30 is usually enough."
    ),
    "start_solve": Text("Mulai merencanakan", "Start planning"),
    "versions": Text("Versi rencana minggu ini", "This week's plan versions"),
    "no_plans": Text("Belum ada rencana.", "No plan yet."),
    "version": Text("Versi", "Version"),
    "status": Text("Status", "Status"),
    "total": Text("Total (biaya + menunggu)", "Total (cost + waiting)"),
    "planned": Text("Pulang", "Going home"),
    "money": Text("Biaya", "Money"),
    "waiting": Text("Menunggu", "Waiting"),
    "open": Text("Buka", "Open"),
    "jobs": Text("Proses perencanaan", "Planning runs"),
    "job_title": Text("Merencanakan {week}", "Planning {week}"),
    "state": Text("Keadaan", "State"),
    "state_queued": Text("menunggu giliran", "queued"),
    "state_running": Text("sedang mencari", "searching"),
    "state_cancelling": Text("sedang dihentikan", "stopping"),
    "state_finished": Text("selesai", "finished"),
    "state_cancelled": Text("dihentikan", "cancelled"),
    "state_failed": Text("gagal", "failed"),
    "state_interrupted": Text("terputus", "interrupted"),
    "best": Text("Rencana terbaik", "Best plan"),
    "bound": Text("Batas bawah", "Lower bound"),
    "gap": Text("Selisih", "Gap"),
    "rounds": Text("Putaran pencarian", "Search rounds"),
    "seconds": Text("Detik berjalan", "Seconds run"),
    "chart": Text(
        "Grafik: rencana terbaik dan batas bawah menurut waktu", "Chart: best plan and lower bound over time"
    ),
    "axis_top": Text("Nilai di atas grafik", "The chart's top"),
    "axis_bottom": Text("Nilai di bawah grafik", "The chart's bottom"),
    "axis_from": Text("Waktu dari", "Time from"),
    "axis_to": Text("sampai", "to"),
    "axis_time": Text("Waktu sejak mulai (detik)", "Time since the start (seconds)"),
    "sec": Text("detik", "s"),
    "solid": Text("garis penuh", "solid line"),
    "dashed": Text("garis putus-putus", "dashed line"),
    "cancel": Text("Hentikan (rencana terbaik disimpan)", "Stop (the best plan is kept)"),
    "see_plan": Text("Lihat rencana", "See the plan"),
    "plan_title": Text("Rencana {week}, versi {version}", "Plan for {week}, version {version}"),
    "parties": Text("Rombongan", "Parties"),
    "party": Text("Rombongan", "Party"),
    "who": Text("Siapa", "Who"),
    "legs": Text("Perjalanan (waktu setempat)", "Legs (local time)"),
    "mode": Text("Moda", "Mode"),
    "from_to": Text("Dari - ke", "From - to"),
    "depart": Text("Berangkat", "Departs"),
    "arrive": Text("Tiba", "Arrives"),
    "no_escort_party": Text("tanpa pendamping", "no escort"),
    "waiting_title": Text("Yang masih menunggu, dan alasannya", "Who waits, and why"),
    "nobody_waits": Text("Semua kasus pulang.", "Every case goes home."),
    "case": Text("Kasus", "Case"),
    "reason": Text("Alasan", "Reason"),
    "detail": Text("Keterangan", "Detail"),
    "money_title": Text("Uang per mata anggaran", "Money per budget line"),
    "agency": Text("Instansi", "Agency"),
    "line": Text("Mata anggaran", "Budget line"),
    "ceiling": Text("Pagu", "Ceiling"),
    "charged": Text("Dipakai rencana", "Charged"),
    "left": Text("Sisa", "Left"),
    "sum": Text("Jumlah", "Total"),
    "map_title": Text("Peta rute", "Route map"),
    "downloads": Text("Unduh", "Downloads"),
    "dl_manifests.xlsx": Text("Manifes (xlsx)", "Manifests (xlsx)"),
    "dl_manifests.csv": Text("Manifes (csv)", "Manifests (csv)"),
    "dl_itineraries.html": Text("Rencana perjalanan (cetak)", "Itineraries (print)"),
    "dl_budget.xlsx": Text("Buku kerja anggaran", "Budget workbook"),
    "dl_map.html": Text("Peta (html)", "Map (html)"),
    "dl_plan.json": Text("plan.json", "plan.json"),
    "refused": Text("Tidak diizinkan", "Not allowed"),
    "refused_role": Text("Peran Anda tidak boleh membuka ini.", "Your role may not open this."),
    "refused_csrf": Text(
        "Formulir ini kedaluwarsa atau tidak berasal dari halaman ini. Muat ulang halaman dan coba lagi.",
        "This form has expired or did not come from this page. Reload the page and try again.",
    ),
    "not_found": Text("Tidak ditemukan", "Not found"),
    "not_found_text": Text(
        "Halaman ini tidak ada, atau milik kantor lain.",
        "This page does not exist, or belongs to another office.",
    ),
    "back": Text("Kembali ke daftar minggu", "Back to the weeks"),
    "status_optimal": Text("optimal", "optimal"),
    "status_feasible": Text("layak", "feasible"),
    "status_timeout": Text("waktu habis", "time out"),
    "status_infeasible": Text("tidak layak", "infeasible"),
    "per_case": Text("{n} kasus", "{n} cases"),
}
