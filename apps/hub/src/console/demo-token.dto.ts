import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { Purpose, PURPOSES, Role } from '@onestop/domain';
import { SLUG } from '../dto/common.dto';

/** `POST /console/demo-token` (demo only): sign in to the console as a demo user. */
export class DemoTokenDto {
  @ApiProperty({ example: 'sms', description: 'A demo agency id, or `partnership` for the administrator' })
  @Matches(SLUG, { message: 'agency must be an agency id' })
  agency!: string;

  @ApiProperty({ enum: ['caseworker', 'dpo', 'admin'] })
  @IsIn(['caseworker', 'dpo', 'admin'], { message: 'role must be caseworker, dpo or admin' })
  role!: Role;

  @ApiPropertyOptional({ enum: PURPOSES, description: 'The purpose the user declares for this session' })
  @IsOptional()
  @IsIn(PURPOSES, { message: `purpose must be one of: ${PURPOSES.join(', ')}` })
  purpose?: Purpose;
}
