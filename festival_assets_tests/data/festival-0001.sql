--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.categories (
    id uuid NOT NULL,
    ceremony_id uuid NOT NULL,
    name character varying(300) NOT NULL,
    canonical_name character varying(300) NOT NULL,
    category_class character varying(50) NOT NULL,
    names_people boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: ceremonies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.ceremonies (
    id uuid NOT NULL,
    partition_key character varying(100) NOT NULL,
    festival_id character varying(64) NOT NULL,
    year integer NOT NULL,
    edition integer,
    name character varying(300) NOT NULL,
    held_on date,
    film_year character varying(20) NOT NULL,
    source_fingerprint character varying(64) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: festivals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festivals (
    id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: images; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.images (
    id uuid NOT NULL,
    owner_type character varying(20) NOT NULL,
    owner_id uuid NOT NULL,
    kind character varying(20) NOT NULL,
    source_url character varying(500) NOT NULL,
    status character varying(20) NOT NULL,
    error text,
    sha256 character varying(64),
    path character varying(500),
    thumbnail_path character varying(500),
    width integer,
    height integer,
    format character varying(20),
    bytes integer,
    etag character varying(200),
    fetched_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: movies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movies (
    id uuid NOT NULL,
    imdb_id character varying(20) NOT NULL,
    title character varying(500) NOT NULL,
    tmdb_title character varying(500),
    release_date date,
    runtime integer,
    overview text,
    genres jsonb,
    poster_path character varying(300),
    backdrop_path character varying(300),
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    tmdb_id integer,
    tmdb_status character varying(20) NOT NULL,
    tmdb_error text,
    tmdb_attempts integer NOT NULL,
    enriched_at timestamp with time zone,
    popularity double precision
);


--
-- Name: nomination_movies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.nomination_movies (
    nomination_id uuid NOT NULL,
    movie_id uuid NOT NULL,
    credited_as character varying(500) NOT NULL
);


--
-- Name: nomination_people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.nomination_people (
    nomination_id uuid NOT NULL,
    person_id uuid NOT NULL,
    credited_as character varying(300) NOT NULL
);


--
-- Name: nominations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.nominations (
    id uuid NOT NULL,
    ceremony_id uuid NOT NULL,
    category_id uuid NOT NULL,
    won boolean NOT NULL,
    credited text NOT NULL,
    detail text NOT NULL,
    note text NOT NULL,
    citation text NOT NULL,
    unlinked_nominees jsonb NOT NULL,
    unlinked_films jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.people (
    id uuid NOT NULL,
    imdb_id character varying(20) NOT NULL,
    name character varying(300) NOT NULL,
    tmdb_name character varying(300),
    birthday date,
    deathday date,
    biography text,
    place_of_birth character varying(300),
    known_for_department character varying(100),
    profile_path character varying(300),
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    tmdb_id integer,
    tmdb_status character varying(20) NOT NULL,
    tmdb_error text,
    tmdb_attempts integer NOT NULL,
    enriched_at timestamp with time zone,
    popularity double precision
);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.alembic_version (version_num) FROM stdin;
0001
\.


--
-- Data for Name: categories; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.categories (id, ceremony_id, name, canonical_name, category_class, names_people, created_at, updated_at) FROM stdin;
e06ab79b-792b-5b85-8027-107f9c8f0b5a	60b04a74-8cc9-5bcd-bb56-5886bc884b98	ACTOR	ACTOR IN A LEADING ROLE	Acting	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
f460dbea-0100-5cd2-94f2-a94bb72ee525	60b04a74-8cc9-5bcd-bb56-5886bc884b98	ACTRESS	ACTRESS IN A LEADING ROLE	Acting	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
8bab5273-971a-5f6e-b3a6-69fcf85bf4af	60b04a74-8cc9-5bcd-bb56-5886bc884b98	ART DIRECTION	ART DIRECTION	Production	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
0acbbb73-6255-5405-90ff-eac56f9ea5e3	60b04a74-8cc9-5bcd-bb56-5886bc884b98	CINEMATOGRAPHY	CINEMATOGRAPHY	Production	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
0523cc8e-5d41-5aeb-943f-5c21bcb38655	60b04a74-8cc9-5bcd-bb56-5886bc884b98	DIRECTING (Comedy Picture)	DIRECTING (Comedy Picture)	Directing	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
55620e22-31fa-5e37-9dab-f6b8e761d30c	60b04a74-8cc9-5bcd-bb56-5886bc884b98	DIRECTING (Dramatic Picture)	DIRECTING (Dramatic Picture)	Directing	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
f51dc31b-3a4b-5c26-b98f-c2eb9120deec	60b04a74-8cc9-5bcd-bb56-5886bc884b98	ENGINEERING EFFECTS	VISUAL EFFECTS	Production	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
cd30f087-a6b9-5c21-8175-728019bdb866	60b04a74-8cc9-5bcd-bb56-5886bc884b98	OUTSTANDING PICTURE	BEST PICTURE	Title	f	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
92ae438f-a31a-5476-a3ee-2ec4364c7716	60b04a74-8cc9-5bcd-bb56-5886bc884b98	SPECIAL AWARD	SPECIAL AWARD	Special	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
6648f795-f5dc-541a-a531-26c611630a81	60b04a74-8cc9-5bcd-bb56-5886bc884b98	UNIQUE AND ARTISTIC PICTURE	UNIQUE AND ARTISTIC PICTURE	Title	f	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
5971b864-ceb2-528e-9fd9-0d5d08ed34a7	60b04a74-8cc9-5bcd-bb56-5886bc884b98	WRITING (Adaptation)	WRITING (Adapted Screenplay)	Writing	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
60eafbe3-8a1a-5f93-af2d-1b4c3229ff3a	60b04a74-8cc9-5bcd-bb56-5886bc884b98	WRITING (Original Story)	WRITING (Original Story)	Writing	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
f6c425d1-bac4-58fc-91a7-2cf876840eaf	60b04a74-8cc9-5bcd-bb56-5886bc884b98	WRITING (Title Writing)	WRITING (Title Writing)	Writing	t	2026-12-03 13:37:09.987286+00	2026-12-03 13:37:09.987286+00
\.


--
-- Data for Name: ceremonies; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.ceremonies (id, partition_key, festival_id, year, edition, name, held_on, film_year, source_fingerprint, created_at, updated_at) FROM stdin;
60b04a74-8cc9-5bcd-bb56-5886bc884b98	oscars-1929	oscars	1929	1	1st Academy Awards	\N	1927/28	b8ea14be5579d5da	2026-12-03 13:37:09.985328+00	2026-12-03 13:37:09.985328+00
\.


--
-- Data for Name: festivals; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.festivals (id, name, created_at, updated_at) FROM stdin;
oscars	Academy Awards	2026-12-03 13:37:09.983494+00	2026-12-03 13:37:09.983494+00
\.


--
-- Data for Name: images; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.images (id, owner_type, owner_id, kind, source_url, status, error, sha256, path, thumbnail_path, width, height, format, bytes, etag, fetched_at, created_at, updated_at) FROM stdin;
\.


--
-- Data for Name: movies; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.movies (id, imdb_id, title, tmdb_title, release_date, runtime, overview, genres, poster_path, backdrop_path, created_at, updated_at, tmdb_id, tmdb_status, tmdb_error, tmdb_attempts, enriched_at, popularity) FROM stdin;
ec3e70dc-128f-5ea7-9dfd-0f32c928eb5d	tt0017743	Chang	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
45abb893-4bee-5293-97fc-b799d557b192	tt0017806	The Devil Dancer	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
f28fa1d8-3b69-5483-8fda-b4ac322e684d	tt0017822	The Dove	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
90b1ef4b-0643-5d41-95c6-9b584e0fd453	tt0017979	The Private Life of Helen of Troy	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
b8d6d5ab-0e9e-5e34-8d68-5bcbd383442e	tt0018037	The Jazz Singer	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
3b7ca6ef-ce20-5a80-87dc-71e2154e0cc7	tt0018129	The Magic Flame	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
2cdec06b-b8f5-5e01-9ff6-6b05053fb187	tt0018253	The Patent Leather Kid	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
e9013088-6879-5210-937b-301fbb3ff1dd	tt0018379	7th Heaven	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
113ccd09-6689-54f3-bed6-688459674752	tt0018389	A Ship Comes In	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
6d38abd7-4c41-5ec1-bde3-bed897512a13	tt0018429	Sorrell and Son	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
ac9defb5-2fd4-52f5-9aa5-edf01c2d48b5	tt0018455	Sunrise	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
c6b2f14f-6d1e-55ac-8371-7749046974f3	tt0018515	Two Arabian Knights	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
cc65216a-8d62-5da5-9471-035e10116c1a	tt0018526	Underworld	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
cf42a527-0a65-5686-a418-0d9c5b3a7ea4	tt0018578	Wings	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
2a40955e-2c88-5c1f-a79b-e4ad401b1bf1	tt0018773	The Circus	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
8cef5c1a-b1d1-5f91-9bea-589b895f8c35	tt0018806	The Crowd	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
c3c2eac7-cd44-5091-9509-d72e65572284	tt0018945	Glorious Betsy	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
a97c2662-9554-5647-acf8-d88b6ef4470e	tt0019071	The Last Command	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
a519472a-c6a4-5e9c-835e-eb82fb54f4e9	tt0019217	The Noose	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
51cf09e1-2a68-521b-8513-91038f8abf53	tt0019304	The Racket	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
b461001a-5f4b-5214-a6ee-90d0e3ea3f83	tt0019344	Sadie Thompson	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
a28ffdb5-2671-5662-baa1-06888c0ff6e9	tt0019412	Speedy	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
48d40add-b88c-50d6-952c-005fc69d0a10	tt0019429	Street Angel	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
56bbf9ac-4045-5a96-9d00-023840c687a7	tt0019451	Tempest	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
d7bfb43c-4808-5de7-b87e-448b511e9946	tt0019553	The Way of All Flesh	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.817655+00	2026-12-03 13:37:12.817655+00	\N	pending	\N	0	\N	\N
\.


--
-- Data for Name: nomination_movies; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.nomination_movies (nomination_id, movie_id, credited_as) FROM stdin;
09b6c4d5-6230-5fd2-bf58-a30cc00a8b87	113ccd09-6689-54f3-bed6-688459674752	A Ship Comes In
12c19093-858f-5165-a9bf-30a46d039647	2cdec06b-b8f5-5e01-9ff6-6b05053fb187	The Patent Leather Kid
12c19093-858f-5165-a9bf-30a46d039647	a519472a-c6a4-5e9c-835e-eb82fb54f4e9	The Noose
13be4f40-99cb-5a67-8698-50c535a08b93	8cef5c1a-b1d1-5f91-9bea-589b895f8c35	The Crowd
14548e17-57b8-5396-a05b-c329bad0a846	ac9defb5-2fd4-52f5-9aa5-edf01c2d48b5	Sunrise
15a7762b-96ba-5948-90ea-c3bd6cb6f4af	c6b2f14f-6d1e-55ac-8371-7749046974f3	Two Arabian Knights
18bd5502-3059-5e06-8f2b-f93e2564a9d3	3b7ca6ef-ce20-5a80-87dc-71e2154e0cc7	The Magic Flame
18bd5502-3059-5e06-8f2b-f93e2564a9d3	45abb893-4bee-5293-97fc-b799d557b192	The Devil Dancer
18bd5502-3059-5e06-8f2b-f93e2564a9d3	b461001a-5f4b-5214-a6ee-90d0e3ea3f83	Sadie Thompson
1f47f1fe-1209-52e6-9a82-357acac35461	cf42a527-0a65-5686-a418-0d9c5b3a7ea4	Wings
1f9e65f7-e199-51e4-a338-54bbd1e1f4ca	b461001a-5f4b-5214-a6ee-90d0e3ea3f83	Sadie Thompson
24701f4e-b2ea-5485-bc70-a5ffbd1475e8	6d38abd7-4c41-5ec1-bde3-bed897512a13	Sorrell and Son
34414b49-22db-5545-9edb-9275890401d3	48d40add-b88c-50d6-952c-005fc69d0a10	Street Angel
34414b49-22db-5545-9edb-9275890401d3	ac9defb5-2fd4-52f5-9aa5-edf01c2d48b5	Sunrise
34414b49-22db-5545-9edb-9275890401d3	e9013088-6879-5210-937b-301fbb3ff1dd	7th Heaven
46583126-bc85-5652-ad8e-a0379d09bd54	c3c2eac7-cd44-5091-9509-d72e65572284	Glorious Betsy
4f6df03b-0156-52d4-b6a5-14f59df809e6	51cf09e1-2a68-521b-8513-91038f8abf53	The Racket
51eebc99-8b8f-5e7e-955d-71d946241380	2a40955e-2c88-5c1f-a79b-e4ad401b1bf1	The Circus
5926ac9b-a47b-58eb-adc0-06cfc448d003	e9013088-6879-5210-937b-301fbb3ff1dd	7th Heaven
65d7b953-fce9-5e11-98e9-9f4418cd6bd7	ec3e70dc-128f-5ea7-9dfd-0f32c928eb5d	Chang
673441b9-4d2e-53e8-b388-43a3cd9abf34	90b1ef4b-0643-5d41-95c6-9b584e0fd453	The Private Life of Helen of Troy
6dc6b361-78b6-5e15-9e50-01eea7fc9e6e	e9013088-6879-5210-937b-301fbb3ff1dd	7th Heaven
756aab67-df4f-59ee-99e5-130bd4b32e84	cf42a527-0a65-5686-a418-0d9c5b3a7ea4	Wings
7b22f73a-6cb1-5174-8ee5-b3812aa83126	8cef5c1a-b1d1-5f91-9bea-589b895f8c35	The Crowd
7dd6fc1c-3089-5cc0-9f46-80184e3ec0a5	b8d6d5ab-0e9e-5e34-8d68-5bcbd383442e	The Jazz Singer
a3dcf0ae-8585-5717-ab49-ca4a11c843d2	e9013088-6879-5210-937b-301fbb3ff1dd	7th Heaven
a6fd160d-79a4-575a-9a55-7379e609f76c	e9013088-6879-5210-937b-301fbb3ff1dd	7th Heaven
ac21cb63-e80f-5a8d-9a42-3e1f24d399bb	56bbf9ac-4045-5a96-9d00-023840c687a7	Tempest
ac21cb63-e80f-5a8d-9a42-3e1f24d399bb	f28fa1d8-3b69-5483-8fda-b4ac322e684d	The Dove
af1de8a3-2b74-51a6-a80e-ad8377f2cfd3	cc65216a-8d62-5da5-9471-035e10116c1a	Underworld
b93a63d1-1c56-5e2b-85e7-8b38e384f3e4	ac9defb5-2fd4-52f5-9aa5-edf01c2d48b5	Sunrise
c2743bd4-7292-58bb-8faa-d15092bd4466	ac9defb5-2fd4-52f5-9aa5-edf01c2d48b5	Sunrise
c7b91688-6bbf-5e54-9e51-c62a959adabe	b8d6d5ab-0e9e-5e34-8d68-5bcbd383442e	The Jazz Singer
d01e225f-ae5a-5600-9579-98f2baa19a7e	a97c2662-9554-5647-acf8-d88b6ef4470e	The Last Command
f4bc2dd4-1d50-508a-8981-0476cc18fe69	a28ffdb5-2671-5662-baa1-06888c0ff6e9	Speedy
fa188ac0-63c5-5a8e-ab87-10d60ba69162	a97c2662-9554-5647-acf8-d88b6ef4470e	The Last Command
fa188ac0-63c5-5a8e-ab87-10d60ba69162	d7bfb43c-4808-5de7-b87e-448b511e9946	The Way of All Flesh
\.


--
-- Data for Name: nomination_people; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.nomination_people (nomination_id, person_id, credited_as) FROM stdin;
09b6c4d5-6230-5fd2-bf58-a30cc00a8b87	54c79c9b-db8e-5c8f-bade-014b0e37c949	Louise Dresser
12c19093-858f-5165-a9bf-30a46d039647	fb145236-e5b7-5d14-b2d8-b8b288c980ca	Richard Barthelmess
13be4f40-99cb-5a67-8698-50c535a08b93	e0d36d33-ef98-5b0c-be64-5f0e162a7f20	King Vidor
14548e17-57b8-5396-a05b-c329bad0a846	2e35bb23-84ff-5ce1-9396-df4b3c09b37a	Rochus Gliese
15a7762b-96ba-5948-90ea-c3bd6cb6f4af	a26ce57a-02f5-5a9b-8865-2c05db9d2846	Lewis Milestone
18bd5502-3059-5e06-8f2b-f93e2564a9d3	eabf43ee-c38d-5559-a918-4f1bbdc132d8	George Barnes
1f47f1fe-1209-52e6-9a82-357acac35461	ef14b2b9-09c1-5b8c-8eb5-83f853a0cb8d	Roy Pomeroy
1f9e65f7-e199-51e4-a338-54bbd1e1f4ca	f45cb80f-1c58-5ce5-9651-2a15b4df6a6d	Gloria Swanson
24701f4e-b2ea-5485-bc70-a5ffbd1475e8	652fe7be-9b5a-5c63-acc5-fe04a14fe339	Herbert Brenon
34414b49-22db-5545-9edb-9275890401d3	94b20d48-1364-552c-8c5f-bc25c4b1fca0	Janet Gaynor
46583126-bc85-5652-ad8e-a0379d09bd54	f1b5ea2e-b3ab-5c82-8eb1-7313fd90689f	Anthony Coldeway
49a24df2-5024-5a4e-8e94-4c0e76c2bea9	f0e9ffb8-993f-5b11-8382-c07fa5c9f142	Ralph Hammeras
51eebc99-8b8f-5e7e-955d-71d946241380	87bf842a-468c-5955-82fd-4ac926d5ddd9	Charles Chaplin
5926ac9b-a47b-58eb-adc0-06cfc448d003	9d1148a2-9edf-5f43-94a4-0ed448ba7564	Frank Borzage
6205c4e5-797e-5ae5-ba26-550d6e2b55bf	d402dc2c-44bc-5ec1-94e3-e812bcba1f58	Joseph Farnham
673441b9-4d2e-53e8-b388-43a3cd9abf34	63a24739-06d6-5521-a57c-15caa766d992	Gerald Duffy
6dc6b361-78b6-5e15-9e50-01eea7fc9e6e	de117ed1-0ae2-5715-8c9a-0a9b22187e69	Harry Oliver
6deb6c9e-8c74-5422-863e-aece721cf054	76c616a2-fde5-5669-9bb8-813df3f8535e	Nugent Slaughter
7dd6fc1c-3089-5cc0-9f46-80184e3ec0a5	820a7236-5dbc-5bd5-989e-d1cf89123753	Alfred Cohn
a3dcf0ae-8585-5717-ab49-ca4a11c843d2	b9e3a3f5-385c-5147-a0cf-39434e342ab2	Benjamin Glazer
ac21cb63-e80f-5a8d-9a42-3e1f24d399bb	fbb6213c-37c9-584c-9ed5-523ad9065e09	William Cameron Menzies
af1de8a3-2b74-51a6-a80e-ad8377f2cfd3	5ba548a8-a28f-5cd0-97ae-9108693686c6	Ben Hecht
b93a63d1-1c56-5e2b-85e7-8b38e384f3e4	b8371b42-582b-5398-be68-1c596d0af879	Charles Rosher
b93a63d1-1c56-5e2b-85e7-8b38e384f3e4	f26889d5-ef59-58a3-81b5-6a009fedeb61	Karl Struss
d01e225f-ae5a-5600-9579-98f2baa19a7e	d3f864aa-1356-5c91-af54-487a8dc84551	Lajos Biro
e57c95d5-9515-503b-aa2c-c62038b22411	9efa19c3-9046-54ae-84a5-5b79853531e2	George Marion Jr.
f4bc2dd4-1d50-508a-8981-0476cc18fe69	5318fdd6-14e4-56e4-8542-3bc2653993f1	Ted Wilde
fa188ac0-63c5-5a8e-ab87-10d60ba69162	15c29df1-3d17-547e-9447-372c3ac919d4	Emil Jannings
\.


--
-- Data for Name: nominations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.nominations (id, ceremony_id, category_id, won, credited, detail, note, citation, unlinked_nominees, unlinked_films, created_at, updated_at) FROM stdin;
09b6c4d5-6230-5fd2-bf58-a30cc00a8b87	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f460dbea-0100-5cd2-94f2-a94bb72ee525	f	Louise Dresser	Mrs. Pleznik			[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
12c19093-858f-5165-a9bf-30a46d039647	60b04a74-8cc9-5bcd-bb56-5886bc884b98	e06ab79b-792b-5b85-8027-107f9c8f0b5a	f	Richard Barthelmess	Nickie Elkins|The Patent Leather Kid			[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
13be4f40-99cb-5a67-8698-50c535a08b93	60b04a74-8cc9-5bcd-bb56-5886bc884b98	55620e22-31fa-5e37-9dab-f6b8e761d30c	f	King Vidor				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
14548e17-57b8-5396-a05b-c329bad0a846	60b04a74-8cc9-5bcd-bb56-5886bc884b98	8bab5273-971a-5f6e-b3a6-69fcf85bf4af	f	Rochus Gliese				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
15a7762b-96ba-5948-90ea-c3bd6cb6f4af	60b04a74-8cc9-5bcd-bb56-5886bc884b98	0523cc8e-5d41-5aeb-943f-5c21bcb38655	t	Lewis Milestone				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
18bd5502-3059-5e06-8f2b-f93e2564a9d3	60b04a74-8cc9-5bcd-bb56-5886bc884b98	0acbbb73-6255-5405-90ff-eac56f9ea5e3	f	George Barnes				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
1f47f1fe-1209-52e6-9a82-357acac35461	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f51dc31b-3a4b-5c26-b98f-c2eb9120deec	t	Roy Pomeroy				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
1f9e65f7-e199-51e4-a338-54bbd1e1f4ca	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f460dbea-0100-5cd2-94f2-a94bb72ee525	f	Gloria Swanson	Sadie Thompson			[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
24701f4e-b2ea-5485-bc70-a5ffbd1475e8	60b04a74-8cc9-5bcd-bb56-5886bc884b98	55620e22-31fa-5e37-9dab-f6b8e761d30c	f	Herbert Brenon				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
34414b49-22db-5545-9edb-9275890401d3	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f460dbea-0100-5cd2-94f2-a94bb72ee525	t	Janet Gaynor	Diane|Angela|The Wife			[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
46583126-bc85-5652-ad8e-a0379d09bd54	60b04a74-8cc9-5bcd-bb56-5886bc884b98	5971b864-ceb2-528e-9fd9-0d5d08ed34a7	f	Anthony Coldeway				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
49a24df2-5024-5a4e-8e94-4c0e76c2bea9	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f51dc31b-3a4b-5c26-b98f-c2eb9120deec	f	Ralph Hammeras		NOTE: This nomination was not associated with any specific film title.		[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
4f6df03b-0156-52d4-b6a5-14f59df809e6	60b04a74-8cc9-5bcd-bb56-5886bc884b98	cd30f087-a6b9-5c21-8175-728019bdb866	f	The Caddo Company				[{"id": "co0074827", "name": "The Caddo Company"}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
51eebc99-8b8f-5e7e-955d-71d946241380	60b04a74-8cc9-5bcd-bb56-5886bc884b98	92ae438f-a31a-5476-a3ee-2ec4364c7716	t			NOTE: \\"The Academy Board of Judges on merit awards for individual achievements in motion picture arts during the year ending August 1, 1928, unanimously decided that your name should be removed from the competitive classes, and that a special first award be conferred upon you for writing, acting, directing and producing The Circus. The collective accomplishments thus displayed place you in a class by yourself.\\" (Letter from the Academy to Mr. Chaplin, dated February 19, 1929.)	To Charles Chaplin, for acting, writing, directing and producing The Circus.	[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
5926ac9b-a47b-58eb-adc0-06cfc448d003	60b04a74-8cc9-5bcd-bb56-5886bc884b98	55620e22-31fa-5e37-9dab-f6b8e761d30c	t	Frank Borzage				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
6205c4e5-797e-5ae5-ba26-550d6e2b55bf	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f6c425d1-bac4-58fc-91a7-2cf876840eaf	t	Joseph Farnham		NOTE: This award was not associated with any specific film title.		[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
65d7b953-fce9-5e11-98e9-9f4418cd6bd7	60b04a74-8cc9-5bcd-bb56-5886bc884b98	6648f795-f5dc-541a-a531-26c611630a81	f	Paramount Famous Lasky				[{"id": "co0023400", "name": "Paramount Famous Lasky"}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
673441b9-4d2e-53e8-b388-43a3cd9abf34	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f6c425d1-bac4-58fc-91a7-2cf876840eaf	f	Gerald Duffy				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
6dc6b361-78b6-5e15-9e50-01eea7fc9e6e	60b04a74-8cc9-5bcd-bb56-5886bc884b98	8bab5273-971a-5f6e-b3a6-69fcf85bf4af	f	Harry Oliver				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
6deb6c9e-8c74-5422-863e-aece721cf054	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f51dc31b-3a4b-5c26-b98f-c2eb9120deec	f	Nugent Slaughter		NOTE: Though no specific titles were indicated during the presentation on May 16, 1929, or in the official results from the Central Board of Judges for this honorable mention, Academy records indicate that Mr. Slaughter was most often mentioned in connection with The Jazz Singer.		[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
756aab67-df4f-59ee-99e5-130bd4b32e84	60b04a74-8cc9-5bcd-bb56-5886bc884b98	cd30f087-a6b9-5c21-8175-728019bdb866	t	Paramount Famous Lasky				[{"id": "co0023400", "name": "Paramount Famous Lasky"}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
7b22f73a-6cb1-5174-8ee5-b3812aa83126	60b04a74-8cc9-5bcd-bb56-5886bc884b98	6648f795-f5dc-541a-a531-26c611630a81	f	Metro-Goldwyn-Mayer				[{"id": "co0007143", "name": "Metro-Goldwyn-Mayer"}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
7dd6fc1c-3089-5cc0-9f46-80184e3ec0a5	60b04a74-8cc9-5bcd-bb56-5886bc884b98	5971b864-ceb2-528e-9fd9-0d5d08ed34a7	f	Alfred Cohn				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
a3dcf0ae-8585-5717-ab49-ca4a11c843d2	60b04a74-8cc9-5bcd-bb56-5886bc884b98	5971b864-ceb2-528e-9fd9-0d5d08ed34a7	t	Benjamin Glazer				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
a6fd160d-79a4-575a-9a55-7379e609f76c	60b04a74-8cc9-5bcd-bb56-5886bc884b98	cd30f087-a6b9-5c21-8175-728019bdb866	f	Fox				[{"id": "co0028775", "name": "Fox"}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
ac21cb63-e80f-5a8d-9a42-3e1f24d399bb	60b04a74-8cc9-5bcd-bb56-5886bc884b98	8bab5273-971a-5f6e-b3a6-69fcf85bf4af	t	William Cameron Menzies				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
af1de8a3-2b74-51a6-a80e-ad8377f2cfd3	60b04a74-8cc9-5bcd-bb56-5886bc884b98	60eafbe3-8a1a-5f93-af2d-1b4c3229ff3a	t	Ben Hecht				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
b93a63d1-1c56-5e2b-85e7-8b38e384f3e4	60b04a74-8cc9-5bcd-bb56-5886bc884b98	0acbbb73-6255-5405-90ff-eac56f9ea5e3	t	Charles Rosher, Karl Struss		NOTE: For this awards year, awards were presented in the name of the individual and could honor work on one or more films. Charles Rosher and Karl Struss were both honored for cinematography on this film. It is considered a single nomination for the film.		[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
c2743bd4-7292-58bb-8faa-d15092bd4466	60b04a74-8cc9-5bcd-bb56-5886bc884b98	6648f795-f5dc-541a-a531-26c611630a81	t	Fox				[{"id": "co0028775", "name": "Fox"}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
c7b91688-6bbf-5e54-9e51-c62a959adabe	60b04a74-8cc9-5bcd-bb56-5886bc884b98	92ae438f-a31a-5476-a3ee-2ec4364c7716	t				To Warner Bros., for producing The Jazz Singer, the pioneer outstanding talking picture, which has revolutionized the industry.	[{"id": "co0080422", "name": "Warner Bros."}]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
d01e225f-ae5a-5600-9579-98f2baa19a7e	60b04a74-8cc9-5bcd-bb56-5886bc884b98	60eafbe3-8a1a-5f93-af2d-1b4c3229ff3a	f	Lajos Biro				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
e57c95d5-9515-503b-aa2c-c62038b22411	60b04a74-8cc9-5bcd-bb56-5886bc884b98	f6c425d1-bac4-58fc-91a7-2cf876840eaf	f	George Marion, Jr.		NOTE: This nomination was not associated with any specific film title.		[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
f4bc2dd4-1d50-508a-8981-0476cc18fe69	60b04a74-8cc9-5bcd-bb56-5886bc884b98	0523cc8e-5d41-5aeb-943f-5c21bcb38655	f	Ted Wilde				[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
fa188ac0-63c5-5a8e-ab87-10d60ba69162	60b04a74-8cc9-5bcd-bb56-5886bc884b98	e06ab79b-792b-5b85-8027-107f9c8f0b5a	t	Emil Jannings	General Dolgorucki [Grand Duke Sergius Alexander]|August Schilling			[]	[]	2026-12-03 13:37:18.659942+00	2026-12-03 13:37:18.659942+00
\.


--
-- Data for Name: people; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.people (id, imdb_id, name, tmdb_name, birthday, deathday, biography, place_of_birth, known_for_department, profile_path, created_at, updated_at, tmdb_id, tmdb_status, tmdb_error, tmdb_attempts, enriched_at, popularity) FROM stdin;
87bf842a-468c-5955-82fd-4ac926d5ddd9	nm0000122	Charles Chaplin	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
fb145236-e5b7-5d14-b2d8-b8b288c980ca	nm0001932	Richard Barthelmess	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
b8371b42-582b-5398-be68-1c596d0af879	nm0003546	Charles Rosher	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
eabf43ee-c38d-5559-a918-4f1bbdc132d8	nm0055604	George Barnes	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
d3f864aa-1356-5c91-af54-487a8dc84551	nm0083742	Lajos Biro	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
9d1148a2-9edf-5f43-94a4-0ed448ba7564	nm0097648	Frank Borzage	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
652fe7be-9b5a-5c63-acc5-fe04a14fe339	nm0107543	Herbert Brenon	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
820a7236-5dbc-5bd5-989e-d1cf89123753	nm0169879	Alfred Cohn	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
f1b5ea2e-b3ab-5c82-8eb1-7313fd90689f	nm0170401	Anthony Coldeway	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
54c79c9b-db8e-5c8f-bade-014b0e37c949	nm0237571	Louise Dresser	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
63a24739-06d6-5521-a57c-15caa766d992	nm0240534	Gerald Duffy	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
d402dc2c-44bc-5ec1-94e3-e812bcba1f58	nm0267868	Joseph Farnham	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
94b20d48-1364-552c-8c5f-bc25c4b1fca0	nm0310980	Janet Gaynor	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
b9e3a3f5-385c-5147-a0cf-39434e342ab2	nm0322227	Benjamin Glazer	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
2e35bb23-84ff-5ce1-9396-df4b3c09b37a	nm0322843	Rochus Gliese	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
f0e9ffb8-993f-5b11-8382-c07fa5c9f142	nm0358518	Ralph Hammeras	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
5ba548a8-a28f-5cd0-97ae-9108693686c6	nm0372942	Ben Hecht	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
15c29df1-3d17-547e-9447-372c3ac919d4	nm0417837	Emil Jannings	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
9efa19c3-9046-54ae-84a5-5b79853531e2	nm0547938	George Marion Jr.	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
fbb6213c-37c9-584c-9ed5-523ad9065e09	nm0580017	William Cameron Menzies	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
a26ce57a-02f5-5a9b-8865-2c05db9d2846	nm0587277	Lewis Milestone	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
de117ed1-0ae2-5715-8c9a-0a9b22187e69	nm0646856	Harry Oliver	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
ef14b2b9-09c1-5b8c-8eb5-83f853a0cb8d	nm0690120	Roy Pomeroy	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
76c616a2-fde5-5669-9bb8-813df3f8535e	nm0805521	Nugent Slaughter	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
f26889d5-ef59-58a3-81b5-6a009fedeb61	nm0835365	Karl Struss	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
f45cb80f-1c58-5ce5-9651-2a15b4df6a6d	nm0841797	Gloria Swanson	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
e0d36d33-ef98-5b0c-be64-5f0e162a7f20	nm0896542	King Vidor	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
5318fdd6-14e4-56e4-8542-3bc2653993f1	nm0928514	Ted Wilde	\N	\N	\N	\N	\N	\N	\N	2026-12-03 13:37:12.811677+00	2026-12-03 13:37:12.811677+00	\N	pending	\N	0	\N	\N
\.


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: categories pk_categories; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT pk_categories PRIMARY KEY (id);


--
-- Name: ceremonies pk_ceremonies; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ceremonies
    ADD CONSTRAINT pk_ceremonies PRIMARY KEY (id);


--
-- Name: festivals pk_festivals; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festivals
    ADD CONSTRAINT pk_festivals PRIMARY KEY (id);


--
-- Name: images pk_images; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.images
    ADD CONSTRAINT pk_images PRIMARY KEY (id);


--
-- Name: movies pk_movies; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movies
    ADD CONSTRAINT pk_movies PRIMARY KEY (id);


--
-- Name: nomination_movies pk_nomination_movies; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nomination_movies
    ADD CONSTRAINT pk_nomination_movies PRIMARY KEY (nomination_id, movie_id);


--
-- Name: nomination_people pk_nomination_people; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nomination_people
    ADD CONSTRAINT pk_nomination_people PRIMARY KEY (nomination_id, person_id);


--
-- Name: nominations pk_nominations; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nominations
    ADD CONSTRAINT pk_nominations PRIMARY KEY (id);


--
-- Name: people pk_people; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT pk_people PRIMARY KEY (id);


--
-- Name: categories uq_categories_ceremony_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT uq_categories_ceremony_id UNIQUE (ceremony_id, name);


--
-- Name: ceremonies uq_ceremonies_partition_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ceremonies
    ADD CONSTRAINT uq_ceremonies_partition_key UNIQUE (partition_key);


--
-- Name: images uq_images_owner_type; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.images
    ADD CONSTRAINT uq_images_owner_type UNIQUE (owner_type, owner_id, kind);


--
-- Name: movies uq_movies_imdb_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movies
    ADD CONSTRAINT uq_movies_imdb_id UNIQUE (imdb_id);


--
-- Name: people uq_people_imdb_id; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT uq_people_imdb_id UNIQUE (imdb_id);


--
-- Name: ix_ceremonies_festival_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_ceremonies_festival_id ON public.ceremonies USING btree (festival_id);


--
-- Name: ix_images_owner_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_images_owner_id ON public.images USING btree (owner_id);


--
-- Name: ix_nomination_movies_movie_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_nomination_movies_movie_id ON public.nomination_movies USING btree (movie_id);


--
-- Name: ix_nomination_people_person_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_nomination_people_person_id ON public.nomination_people USING btree (person_id);


--
-- Name: ix_nominations_category_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_nominations_category_id ON public.nominations USING btree (category_id);


--
-- Name: ix_nominations_ceremony_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_nominations_ceremony_id ON public.nominations USING btree (ceremony_id);


--
-- Name: categories fk_categories_ceremony_id_ceremonies; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.categories
    ADD CONSTRAINT fk_categories_ceremony_id_ceremonies FOREIGN KEY (ceremony_id) REFERENCES public.ceremonies(id) ON DELETE CASCADE;


--
-- Name: ceremonies fk_ceremonies_festival_id_festivals; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.ceremonies
    ADD CONSTRAINT fk_ceremonies_festival_id_festivals FOREIGN KEY (festival_id) REFERENCES public.festivals(id);


--
-- Name: nomination_movies fk_nomination_movies_movie_id_movies; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nomination_movies
    ADD CONSTRAINT fk_nomination_movies_movie_id_movies FOREIGN KEY (movie_id) REFERENCES public.movies(id);


--
-- Name: nomination_movies fk_nomination_movies_nomination_id_nominations; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nomination_movies
    ADD CONSTRAINT fk_nomination_movies_nomination_id_nominations FOREIGN KEY (nomination_id) REFERENCES public.nominations(id) ON DELETE CASCADE;


--
-- Name: nomination_people fk_nomination_people_nomination_id_nominations; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nomination_people
    ADD CONSTRAINT fk_nomination_people_nomination_id_nominations FOREIGN KEY (nomination_id) REFERENCES public.nominations(id) ON DELETE CASCADE;


--
-- Name: nomination_people fk_nomination_people_person_id_people; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nomination_people
    ADD CONSTRAINT fk_nomination_people_person_id_people FOREIGN KEY (person_id) REFERENCES public.people(id);


--
-- Name: nominations fk_nominations_category_id_categories; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nominations
    ADD CONSTRAINT fk_nominations_category_id_categories FOREIGN KEY (category_id) REFERENCES public.categories(id) ON DELETE CASCADE;


--
-- Name: nominations fk_nominations_ceremony_id_ceremonies; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.nominations
    ADD CONSTRAINT fk_nominations_ceremony_id_ceremonies FOREIGN KEY (ceremony_id) REFERENCES public.ceremonies(id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--


