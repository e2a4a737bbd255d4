import { getMetadataStorage } from 'class-validator';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ARRAY_ELEMENTS } from '../http/json-depth';

/** Every `*.dto.ts` of the hub's HTTP layer, wherever it lives under apps/hub/src. */
function dtoFiles(dir = join(__dirname, '..')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? dtoFiles(join(dir, entry.name)) : entry.name.endsWith('.dto.ts') ? [join(dir, entry.name)] : [],
  );
}

type DtoClass = new () => object;

const validated = (value: unknown): value is DtoClass =>
  typeof value === 'function' && getMetadataStorage().getTargetValidationMetadatas(value as DtoClass, '', true, false).length > 0;

/** The DTO classes those files export (classes whose properties class-validator knows). */
async function loadDtoClasses(): Promise<Array<[string, DtoClass]>> {
  const modules = await Promise.all(dtoFiles().map((file) => import(file) as Promise<Record<string, unknown>>));
  return modules.flatMap((m) => Object.entries(m).filter((entry): entry is [string, DtoClass] => validated(entry[1])));
}

describe('the shapes request bodies may take', () => {
  let classes: Array<[string, DtoClass]>;

  beforeAll(async () => {
    classes = await loadDtoClasses();
  });

  it('finds the DTOs', () => {
    expect(classes.length).toBeGreaterThan(10);
  });

  it('bounds every array a body may carry with ArrayMaxSize, so a 100,000-element array is refused before its elements are validated one by one', () => {
    const unbounded: string[] = [];
    for (const [name, cls] of classes) {
      const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
      const arrays = new Set(metadata.filter((m) => m.name === 'isArray').map((m) => m.propertyName));
      const bounded = new Set(metadata.filter((m) => m.name === 'arrayMaxSize').map((m) => m.propertyName));
      for (const property of arrays) if (!bounded.has(property)) unbounded.push(`${name}.${property}`);
    }
    expect(unbounded).toEqual([]);
  });

  it(`allows no array longer than the ${MAX_ARRAY_ELEMENTS} elements every body is held to before validation`, () => {
    const tooGenerous = classes.flatMap(([name, cls]) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(cls, '', true, false)
        .filter((m) => m.name === 'arrayMaxSize' && Number(m.constraints?.[0]) > MAX_ARRAY_ELEMENTS)
        .map((m) => `${name}.${m.propertyName}`),
    );
    expect(tooGenerous).toEqual([]);
  });

  it('checks that every nested object is an object: ValidateNested alone lets arrays through (and arrays of arrays), and the handler then reads fields of an array', () => {
    const unchecked: string[] = [];
    for (const [name, cls] of classes) {
      const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
      const single = metadata.filter((m) => m.type === 'nestedValidation' && !m.each).map((m) => m.propertyName);
      const shaped = new Set(metadata.filter((m) => (m.name === 'isObject' && !m.each) || m.name === 'isArray').map((m) => m.propertyName));
      for (const property of single) if (!shaped.has(property)) unchecked.push(`${name}.${property}`);
      const each = metadata.filter((m) => m.type === 'nestedValidation' && m.each).map((m) => m.propertyName);
      const eachShaped = new Set(metadata.filter((m) => m.name === 'isObject' && m.each).map((m) => m.propertyName));
      for (const property of each) if (!eachShaped.has(property)) unchecked.push(`${name}.${property}[]`);
    }
    expect(unchecked).toEqual([]);
  });
});
