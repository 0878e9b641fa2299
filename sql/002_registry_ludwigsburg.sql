-- Landkreis Ludwigsburg as the first district: its providers and its municipalities.
-- Source of the municipalities: shared/spec/municipalities-ludwigsburg.csv. Keys marked
-- verified = false were not checked against the Gemeindeverzeichnis; the district
-- corrects them with UPDATE, never in code.

INSERT INTO districts (district_key, name) VALUES ('08118', 'Landkreis Ludwigsburg');

INSERT INTO providers (district_key, code, name, labels) VALUES
  ('08118', 'AWO', 'Arbeiterwohlfahrt', ARRAY['Arbeiterwohlfahrt']),
  ('08118', 'CARITAS', 'Caritas', ARRAY['Caritas']),
  ('08118', 'KDV', 'Kreisdiakonieverband', ARRAY['Kreisdiakonieverband']),
  ('08118', 'DRK', 'DRK-Kreisverband', ARRAY['DRK-Kreisverband']),
  ('08118', 'LRA', 'Landratsamt', ARRAY['Landratsamt']);

INSERT INTO municipalities (district_key, ags, name, verified) VALUES
  ('08118', '08118001', 'Affalterbach', true),
  ('08118', '08118003', 'Asperg', true),
  ('08118', '08118006', 'Benningen am Neckar', true),
  ('08118', '08118007', 'Besigheim', true),
  ('08118', '08118079', 'Bietigheim-Bissingen', true),
  ('08118', '08118010', 'Bönnigheim', true),
  ('08118', '08118011', 'Ditzingen', true),
  ('08118', '08118012', 'Eberdingen', true),
  ('08118', '08118014', 'Erdmannhausen', false),
  ('08118', '08118015', 'Erligheim', false),
  ('08118', '08118080', 'Freiberg am Neckar', false),
  ('08118', '08118016', 'Freudental', false),
  ('08118', '08118018', 'Gemmrigheim', false),
  ('08118', '08118019', 'Gerlingen', false),
  ('08118', '08118021', 'Großbottwar', false),
  ('08118', '08118027', 'Hemmingen', false),
  ('08118', '08118028', 'Hessigheim', false),
  ('08118', '08118076', 'Ingersheim', false),
  ('08118', '08118040', 'Kirchheim am Neckar', false),
  ('08118', '08118077', 'Korntal-Münchingen', false),
  ('08118', '08118046', 'Kornwestheim', false),
  ('08118', '08118047', 'Löchgau', false),
  ('08118', '08118048', 'Ludwigsburg', true),
  ('08118', '08118049', 'Marbach am Neckar', false),
  ('08118', '08118050', 'Markgröningen', false),
  ('08118', '08118051', 'Möglingen', false),
  ('08118', '08118053', 'Mundelsheim', false),
  ('08118', '08118054', 'Murr', false),
  ('08118', '08118059', 'Oberriexingen', false),
  ('08118', '08118060', 'Oberstenfeld', false),
  ('08118', '08118063', 'Pleidelsheim', false),
  ('08118', '08118081', 'Remseck am Neckar', false),
  ('08118', '08118078', 'Sachsenheim', false),
  ('08118', '08118067', 'Schwieberdingen', true),
  ('08118', '08118068', 'Sersheim', false),
  ('08118', '08118070', 'Steinheim an der Murr', false),
  ('08118', '08118071', 'Tamm', true),
  ('08118', '08118073', 'Vaihingen an der Enz', true),
  ('08118', '08118074', 'Walheim', true);
