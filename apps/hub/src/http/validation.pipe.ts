import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { ValidationError } from '@onestop/domain';

function collect(errors: ClassValidatorError[], prefix: string, out: Record<string, string>): void {
  for (const e of errors) {
    const path = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const messages = Object.values(e.constraints ?? {});
    if (messages.length > 0) out[path] = messages.join('; ');
    if (e.children?.length) collect(e.children, path, out);
  }
}

/** Validates every body and query against its DTO: unknown fields are rejected, each bad field named. */
export const hubValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields: Record<string, string> = {};
      collect(errors, '', fields);
      return new ValidationError(fields);
    },
  });
