// Walks an Apache Arrow IPC file (file or stream format) message by message before
// apache-arrow decodes any of it, and checks its framing and metadata against the bytes
// there are. The library trusts the lengths and counts it finds in the metadata (FlatBuffers,
// which it reads without verifying them): in a damaged file it loops over a count of
// billions, runs out of memory, throws from deep inside, or stops early and hands on part
// of a file as if it were all of it. After this walk, every count it will loop over is
// bounded by the bytes of the message, and the rows it must deliver are known.
//
// The layout (Arrow columnar format, "Serialization and Interprocess Communication"): a
// stream is a sequence of messages, each a continuation marker 0xFFFFFFFF, an int32
// metadata length, the metadata (a FlatBuffers `Message`) and a body; it starts with the
// schema and ends with the marker and a length of 0. Before Arrow 0.15 the marker was left
// out. A file is "ARROW1", two bytes of padding, messages, a footer (the schema and where
// each batch lies), the footer's int32 length and "ARROW1". A file is read through its
// footer: apache-arrow writes no schema message into a file, only into the footer.
import { open } from 'node:fs/promises';

/** Why a file cannot be read, in the words of a refusal ("Die Datei … : sie …"). */
export class ArrowDamage extends Error {}

export interface ArrowLayout {
  /** Top-level columns of the schema. */
  columns: number;
  /** Rows the record batches declare, in all. */
  rows: number;
  /** Where each record batch ends in the file, in order: for progress. */
  batchEnds: number[];
}

const MAGIC = Buffer.from('ARROW1', 'latin1');
/** The metadata of one message: a schema of hundreds of columns takes some kilobytes. */
const MAX_METADATA_BYTES = 1024 * 1024;
/** A footer: the schema and 24 bytes for each batch; this is room for 600,000 batches. */
const MAX_FOOTER_BYTES = 16 * 1024 * 1024;
/** Nested types deeper than this are no case export. */
const MAX_DEPTH = 16;

const MessageHeader = { Schema: 1, DictionaryBatch: 2, RecordBatch: 3 } as const;
const TypeId = { Timestamp: 10, Union: 14 } as const;

const damaged = (reason = 'sie ist beschädigt') => new ArrowDamage(reason);
const incomplete = () => damaged('sie ist unvollständig (ihr Ende fehlt)');

/**
 * A FlatBuffers buffer read with every offset, vector length and table size checked
 * against its bytes (what the FlatBuffers verifier of other languages does).
 */
class CheckedFlatBuffer {
  private readonly view: DataView;
  /** Tables that may still be visited: offsets pointing in circles would never end. */
  private tablesLeft: number;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.tablesLeft = Math.floor(bytes.byteLength / 4);
  }

  private at(position: number, size: number): number {
    if (position < 0 || position + size > this.bytes.byteLength) throw damaged();
    return position;
  }
  private u8 = (position: number) => this.view.getUint8(this.at(position, 1));
  private u16 = (position: number) => this.view.getUint16(this.at(position, 2), true);
  private i32 = (position: number) => this.view.getInt32(this.at(position, 4), true);
  private u32 = (position: number) => this.view.getUint32(this.at(position, 4), true);

  /** The root table. */
  root(): number {
    return this.table(this.u32(0));
  }

  /** A table at `position`, its vtable and extent checked. */
  private table(position: number): number {
    if (--this.tablesLeft < 0) throw damaged();
    const vtable = position - this.i32(position);
    const vtableSize = this.u16(vtable);
    const tableSize = this.u16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw damaged();
    this.at(vtable, vtableSize);
    this.at(position, tableSize);
    return position;
  }

  /** Where field `index` of a table lies (`size` bytes inside the table), 0 when absent. */
  private field(table: number, index: number, size: number): number {
    const vtable = table - this.i32(table);
    const entry = 4 + 2 * index;
    if (entry >= this.u16(vtable)) return 0;
    const offset = this.u16(vtable + entry);
    if (offset === 0) return 0;
    if (offset + size > this.u16(vtable + 2)) throw damaged();
    return table + offset;
  }

  byte(table: number, index: number, absent = 0): number {
    const at = this.field(table, index, 1);
    return at === 0 ? absent : this.u8(at);
  }

  /** An int64 field as a number; beyond 2^53 no length in a file can be. */
  long(table: number, index: number): number {
    const at = this.field(table, index, 8);
    return at === 0 ? 0 : this.longAt(at);
  }

  longAt(position: number): number {
    const value = this.view.getBigInt64(this.at(position, 8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw damaged();
    }
    return Number(value);
  }

  /** The table a field refers to, or null when absent. */
  child(table: number, index: number): number | null {
    const at = this.field(table, index, 4);
    return at === 0 ? null : this.table(at + this.u32(at));
  }

  /** A vector field: where its elements start and how many there are; null when absent. */
  vector(table: number, index: number, elementSize: number) {
    const at = this.field(table, index, 4);
    if (at === 0) return null;
    const vector = at + this.u32(at);
    const length = this.u32(vector);
    this.at(vector + 4, length * elementSize);
    return { start: vector + 4, length };
  }

  /** The tables of a vector field, each checked. */
  tables(table: number, index: number): number[] {
    const vector = this.vector(table, index, 4);
    const tables: number[] = [];
    for (let i = 0; vector && i < vector.length; i++) {
      const element = vector.start + 4 * i;
      tables.push(this.table(element + this.u32(element)));
    }
    return tables;
  }

  /** Key-value metadata (Message, Schema and Field carry it): two strings each. */
  keyValues(table: number, index: number) {
    for (const entry of this.tables(table, index)) {
      this.vector(entry, 0, 1);
      this.vector(entry, 1, 1);
    }
  }
}

/** Message { version, header_type, header, bodyLength, custom_metadata }. */
function checkMessage(metadata: Uint8Array) {
  const buffer = new CheckedFlatBuffer(metadata);
  const message = buffer.root();
  const type = buffer.byte(message, 1);
  const header = buffer.child(message, 2);
  const bodyLength = buffer.long(message, 3);
  buffer.keyValues(message, 4);
  if (header === null || bodyLength < 0) throw damaged();
  return { buffer, type, header, bodyLength };
}

/** Schema { endianness, fields, custom_metadata, features }: returns its column count. */
function checkSchema(buffer: CheckedFlatBuffer, schema: number): number {
  const fields = buffer.tables(schema, 1);
  for (const field of fields) checkField(buffer, field, 1);
  buffer.keyValues(schema, 2);
  buffer.vector(schema, 3, 8);
  return fields.length;
}

/** Field { name, nullable, type_type, type, dictionary, children, custom_metadata }. */
function checkField(buffer: CheckedFlatBuffer, field: number, depth: number) {
  if (depth > MAX_DEPTH) throw damaged();
  buffer.vector(field, 0, 1);
  const typeId = buffer.byte(field, 2);
  const type = buffer.child(field, 3);
  if (type !== null && typeId === TypeId.Timestamp) buffer.vector(type, 1, 1);
  if (type !== null && typeId === TypeId.Union) buffer.vector(type, 1, 4);
  const dictionary = buffer.child(field, 4);
  if (dictionary !== null) buffer.child(dictionary, 1);
  for (const child of buffer.tables(field, 5)) checkField(buffer, child, depth + 1);
  buffer.keyValues(field, 6);
}

/**
 * RecordBatch { length, nodes, buffers, compression, variadicBufferCounts }: returns its
 * rows. Every column stores at least a bit a row, so a batch cannot hold more rows than
 * eight times its body's bytes; buffers lie inside the body.
 */
function checkRecordBatch(buffer: CheckedFlatBuffer, batch: number, bodyLength: number): number {
  const most = 8 * bodyLength;
  const rows = buffer.long(batch, 0);
  if (rows < 0 || rows > most) throw damaged();
  const nodes = buffer.vector(batch, 1, 16);
  for (let i = 0; nodes && i < nodes.length; i++) {
    const length = buffer.longAt(nodes.start + 16 * i);
    const nulls = buffer.longAt(nodes.start + 16 * i + 8);
    if (length < 0 || length > most || nulls < 0 || nulls > length) throw damaged();
  }
  const buffers = buffer.vector(batch, 2, 16);
  for (let i = 0; buffers && i < buffers.length; i++) {
    const offset = buffer.longAt(buffers.start + 16 * i);
    const length = buffer.longAt(buffers.start + 16 * i + 8);
    if (offset < 0 || length < 0 || offset + length > bodyLength) throw damaged();
  }
  if (buffer.child(batch, 3) !== null) {
    throw damaged(
      'sie ist komprimiert (LZ4 oder ZSTD), das wird nicht gelesen; bitte unkomprimiert speichern (pyarrow: compression="uncompressed")',
    );
  }
  const counts = buffer.vector(batch, 4, 8);
  for (let i = 0; counts && i < counts.length; i++) {
    const count = buffer.longAt(counts.start + 8 * i);
    if (count < 0 || count > (buffers?.length ?? 0)) throw damaged();
  }
  return rows;
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/** Reads exactly `length` bytes at `position`; fewer means the file ends there. */
async function readAt(file: FileHandle, position: number, length: number) {
  const bytes = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(bytes, filled, length - filled, position + filled);
    if (bytesRead === 0) throw incomplete();
    filled += bytesRead;
  }
  return bytes;
}

/**
 * The message at `position`, which must end by `end`: its metadata checked, its body
 * length known. Null for the end-of-stream marker.
 */
async function messageAt(file: FileHandle, position: number, end: number) {
  const prefix = await readAt(file, position, Math.min(8, end - position));
  if (prefix.length < 4) throw incomplete();
  const continued = prefix.readInt32LE(0) === -1;
  if (continued && prefix.length < 8) throw incomplete();
  const metadataLength = continued ? prefix.readInt32LE(4) : prefix.readInt32LE(0);
  const metadataStart = position + (continued ? 8 : 4);
  if (metadataLength === 0) return { end: metadataStart, message: null };
  if (metadataLength < 0 || metadataLength > MAX_METADATA_BYTES) throw damaged();
  if (metadataStart + metadataLength > end) throw incomplete();
  const message = checkMessage(await readAt(file, metadataStart, metadataLength));
  const bodyEnd = metadataStart + metadataLength + message.bodyLength;
  if (bodyEnd > end) throw incomplete();
  return { end: bodyEnd, message };
}

type Message = ReturnType<typeof checkMessage>;

/** Adds a batch message to the layout: a record batch's rows, or a dictionary's check. */
function addBatch(layout: ArrowLayout, message: Message, end: number) {
  const { buffer, type, header, bodyLength } = message;
  if (type === MessageHeader.RecordBatch) {
    layout.rows += checkRecordBatch(buffer, header, bodyLength);
    layout.batchEnds.push(end);
  } else if (type === MessageHeader.DictionaryBatch) {
    const data = buffer.child(header, 1);
    if (data === null) throw damaged();
    checkRecordBatch(buffer, data, bodyLength);
  } else {
    throw damaged();
  }
}

const noSchema = () => damaged('sie enthält keine Beschreibung der Spalten (Schema)');

/** A stream: its messages in order, the schema first, up to the end-of-stream marker. */
async function streamLayout(file: FileHandle, size: number): Promise<ArrowLayout> {
  const layout: ArrowLayout = { columns: 0, rows: 0, batchEnds: [] };
  let schemaSeen = false;
  let position = 0;
  while (true) {
    // Without the end-of-stream marker, the stream may have been cut off anywhere.
    if (position === size) throw incomplete();
    const { end, message } = await messageAt(file, position, size);
    if (message === null) {
      if (!schemaSeen) throw noSchema();
      // Nothing may follow the end-of-stream marker.
      if (end !== size) throw damaged();
      return layout;
    }
    if (!schemaSeen) {
      if (message.type !== MessageHeader.Schema) throw noSchema();
      layout.columns = checkSchema(message.buffer, message.header);
      schemaSeen = true;
    } else {
      addBatch(layout, message, end);
    }
    position = end;
  }
}

/**
 * A file: its messages in order, as in a stream (a schema message first is optional),
 * and the footer's schema. The footer must name exactly these batches at exactly these
 * places: apache-arrow reads a file by its footer, so a footer naming fewer batches would
 * otherwise pass for a smaller file.
 */
async function fileLayout(file: FileHandle, size: number): Promise<ArrowLayout> {
  if (size < 8 + 10) throw incomplete();
  const tail = await readAt(file, size - 10, 10);
  if (!tail.subarray(4).equals(MAGIC)) throw incomplete();
  const footerLength = tail.readInt32LE(0);
  const messagesEnd = size - 10 - footerLength;
  if (footerLength <= 0 || footerLength > MAX_FOOTER_BYTES || messagesEnd < 8) throw damaged();

  // Footer { version, schema, dictionaries: [Block], recordBatches: [Block], custom_metadata }
  const buffer = new CheckedFlatBuffer(await readAt(file, messagesEnd, footerLength));
  const footer = buffer.root();
  const schema = buffer.child(footer, 1);
  if (schema === null) throw noSchema();
  const layout: ArrowLayout = { columns: checkSchema(buffer, schema), rows: 0, batchEnds: [] };
  buffer.keyValues(footer, 4);

  const places: Record<number, number[]> = {
    [MessageHeader.DictionaryBatch]: [],
    [MessageHeader.RecordBatch]: [],
  };
  let position = 8;
  while (position < messagesEnd) {
    const { end, message } = await messageAt(file, position, messagesEnd);
    // The end-of-stream marker: the footer follows at once.
    if (message === null) {
      if (end !== messagesEnd) throw damaged();
      break;
    }
    if (!(position === 8 && message.type === MessageHeader.Schema)) {
      addBatch(layout, message, end);
      places[message.type]?.push(position);
    }
    position = end;
  }

  // Block { offset: int64, metaDataLength: int32, (padding), bodyLength: int64 }
  for (const [index, type] of [
    [2, MessageHeader.DictionaryBatch],
    [3, MessageHeader.RecordBatch],
  ] as const) {
    const blocks = buffer.vector(footer, index, 24);
    const named = Array.from({ length: blocks?.length ?? 0 }, (_, i) =>
      buffer.longAt((blocks?.start ?? 0) + 24 * i),
    );
    if (named.join() !== (places[type] as number[]).join()) throw damaged();
  }
  return layout;
}

/** The file's layout, or ArrowDamage saying what is wrong with it. */
export async function arrowLayout(path: string, format: 'file' | 'stream'): Promise<ArrowLayout> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    return await (format === 'file' ? fileLayout(file, size) : streamLayout(file, size));
  } finally {
    await file.close();
  }
}
